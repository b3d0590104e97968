package policies

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
)

// The config file's document, its overrides and its validation are derived
// from Config by reflection, so that a threshold is declared once, as a
// field (see Config).

// configFile is the config file document: Config with every key optional.
// It is a struct type built from Config: a section is a pointer to a struct
// of optional fields, a field a pointer to its type (an int a *float64, so
// that 1.5 for a day count is an error rather than 1), and a map is kept
// as it is (custom).
type configFile struct{ v reflect.Value } // a pointer to the document

var configFileType = optionalType(reflect.TypeFor[Config]()).Elem()

func newConfigFile() configFile { return configFile{reflect.New(configFileType)} }

// target is what the YAML decoder decodes into.
func (f configFile) target() any { return f.v.Interface() }

// optionalType is the optional form of t.
func optionalType(t reflect.Type) reflect.Type {
	switch t.Kind() {
	case reflect.Map:
		return t
	case reflect.Int:
		return reflect.PointerTo(reflect.TypeFor[float64]())
	case reflect.Struct:
		var fields []reflect.StructField
		for f := range t.Fields() {
			fields = append(fields, reflect.StructField{
				Name: f.Name,
				Type: optionalType(f.Type),
				Tag:  reflect.StructTag(`yaml:"` + yamlKey(f) + `"`),
			})
		}
		return reflect.PointerTo(reflect.StructOf(fields))
	}
	return reflect.PointerTo(t)
}

func yamlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// apply sets the values of the file over c: a key that is absent or null
// keeps its value, a list replaces the list.
func (f configFile) apply(c Config) (Config, []configProblem) {
	var problems []configProblem
	applyOptional("$", reflect.ValueOf(&c).Elem(), f.v, &problems)
	return c, problems
}

func applyOptional(path string, dst, src reflect.Value, problems *[]configProblem) {
	if src.Kind() == reflect.Map {
		if !src.IsNil() {
			dst.Set(src)
		}
		return
	}
	if src.IsNil() {
		return
	}
	v := src.Elem()
	switch dst.Kind() {
	case reflect.Struct:
		for i := range dst.NumField() {
			applyOptional(path+"."+yamlKey(dst.Type().Field(i)), dst.Field(i), v.Field(i), problems)
		}
	case reflect.Int:
		n := v.Float()
		if n != math.Trunc(n) || math.Abs(n) > math.MaxInt32 {
			*problems = append(*problems, configProblem{path, fmt.Sprintf("must be a whole number, got %v", n)})
		}
		dst.SetInt(int64(n))
	case reflect.Slice:
		dst.Set(reflect.AppendSlice(reflect.MakeSlice(dst.Type(), 0, v.Len()), v))
	default:
		dst.Set(v)
	}
}

// configChecker is a section with a rule of its own; path is the
// section's, e.g. "$.guardduty".
type configChecker interface {
	check(path string) []configProblem
}

// problems are the invalid values of c, in the order of the fields: their
// check tags, then their section's own rule.
func (c Config) problems() []configProblem {
	var out []configProblem
	checkValue("$", reflect.ValueOf(c), "", &out)
	return out
}

func checkValue(path string, v reflect.Value, tag string, out *[]configProblem) {
	if v.Kind() == reflect.Struct {
		for i := range v.NumField() {
			f := v.Type().Field(i)
			checkValue(path+"."+yamlKey(f), v.Field(i), f.Tag.Get("check"), out)
		}
		if c, ok := v.Interface().(configChecker); ok {
			*out = append(*out, c.check(path)...)
		}
		return
	}
	rule, arg, _ := strings.Cut(tag, "=")
	switch rule {
	case "":
	case "positive":
		if n := v.Int(); n <= 0 {
			*out = append(*out, configProblem{path, fmt.Sprintf("must be a positive number, got %d", n)})
		}
	case "names":
		for i, s := range v.Interface().([]string) {
			if strings.TrimSpace(s) == "" {
				*out = append(*out, configProblem{fmt.Sprintf("%s[%d]", path, i), "must not be empty"})
			}
		}
	case "oneof":
		allowed := strings.Fields(arg)
		for i, s := range v.Interface().([]string) {
			if !slices.Contains(allowed, s) {
				*out = append(*out, configProblem{fmt.Sprintf("%s[%d]", path, i), fmt.Sprintf("must be one of %s, got %q", strings.Join(allowed, ", "), s)})
			}
		}
	default:
		panic("policies: Config field " + path + ": unknown check " + tag)
	}
}

// cloneLists replaces every list of a config struct with a copy, keeping
// nil lists nil.
func cloneLists(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			cloneLists(v.Field(i))
		}
	case reflect.Slice:
		if !v.IsNil() {
			v.Set(reflect.AppendSlice(reflect.MakeSlice(v.Type(), 0, v.Len()), v))
		}
	}
}
