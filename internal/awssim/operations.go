package awssim

// Operation is an extra restJson1 operation served beside the simulated
// ones: a test registers the API of a service the scanner is learning (see
// Options.Operations). Service is its signing name; an unknown one is
// served with the restJson1 protocol.
type Operation struct {
	Service, Method, Path, Name string
	// Handle answers one call; an error from OperationError is sent as that
	// AWS error, any other as an InternalFailure.
	Handle func(r Request) (any, error)
}

// Request is one call of an extra operation.
type Request struct {
	AccountID string // the acting account
	Region    string
	Body      []byte            // the JSON request body
	Params    map[string]string // path labels ({name} in Path)
}

// OperationError is an AWS error response with the HTTP status and error code.
func OperationError(status int, code, message string) error {
	return errorf(status, code, "%s", message)
}

// extraRoute finds an extra operation of the server for the call.
func (c *call) extraRoute(service string) (handler, bool) {
	segs := splitPath(c.r.URL.Path)
	for _, op := range c.srv.opts.Operations {
		if op.Service != service || op.Method != c.r.Method {
			continue
		}
		if params, ok := matchPath(splitPath(op.Path), segs); ok {
			c.op, c.params = op.Name, params
			return func(c *call) (any, error) {
				return op.Handle(Request{AccountID: string(c.account.ID), Region: c.region, Body: c.body, Params: c.params})
			}, true
		}
	}
	return nil, false
}

// protocolOf is the protocol of a service: a simulated one's, or restJson1
// for a service only extra operations serve.
func (s *Server) protocolOf(service string) protocol {
	if p := protocols[service]; p != nil {
		return p
	}
	for _, op := range s.opts.Operations {
		if op.Service == service {
			return restProtocol{service: service}
		}
	}
	return nil
}
