# syntax=docker/dockerfile:1
# The baseline container: a static binary on distroless (CA certificates,
# no shell, no package manager), run as a non-root user.
#
#   docker build --build-arg VERSION=1.2.3 --build-arg REVISION=$(git rev-parse HEAD) -t baseline .
#   docker run --rm baseline scan --demo
#
# The build flags are the release's (.goreleaser.yaml); cmd/baseline/release_test.go
# holds the two equal.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
ARG REVISION=""
# .git is not in the build context (.dockerignore): the commit comes from REVISION.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/baseline-scanner/baseline/internal/buildinfo.Version=${VERSION} -X github.com/baseline-scanner/baseline/internal/buildinfo.Revision=${REVISION}" \
      -o /out/baseline ./cmd/baseline

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/baseline /usr/local/bin/baseline
USER nonroot:nonroot
WORKDIR /home/nonroot
ENTRYPOINT ["/usr/local/bin/baseline"]
CMD ["--help"]
