package decode

import (
	"encoding"
	"reflect"
	"strings"
	"sync"
)

// structFields is what the decoder needs to know of a struct type: the
// index of each field by its front matter name, and the names in order for
// "did you mean" suggestions.
type structFields struct {
	index map[string][]int
	names []string
}

// typeInfo is what the decoder needs to know of any type.
type typeInfo struct {
	text bool     // *T implements encoding.TextUnmarshaler
	enum []string // T implements Enum: its allowed values
	// shorthand is the field a bare value fills: T implements Shorthand.
	shorthand string
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	enumType        = reflect.TypeFor[Enum]()
	shorthandType   = reflect.TypeFor[Shorthand]()
	typeCache       sync.Map // reflect.Type -> typeInfo, for the same reason as fieldCache
)

func infoOf(t reflect.Type) typeInfo {
	if info, ok := typeCache.Load(t); ok {
		return info.(typeInfo)
	}
	info := typeInfo{text: reflect.PointerTo(t).Implements(textUnmarshaler)}
	if t.Implements(enumType) {
		info.enum = reflect.Zero(t).Interface().(Enum).Enum()
	}
	if t.Kind() == reflect.Struct && t.Implements(shorthandType) {
		info.shorthand = reflect.Zero(t).Interface().(Shorthand).ShorthandField()
	}
	typeCache.Store(t, info)
	return info
}

// fieldCache memoises structFields per type, as encoding/json does: the
// data is derived from the type alone and never changes, and computing it
// for every mapping of every record would dominate decoding time.
var fieldCache sync.Map // reflect.Type -> *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{index: map[string][]int{}}
	collectFields(t, nil, f)
	actual, _ := fieldCache.LoadOrStore(t, f)
	return actual.(*structFields)
}

// collectFields walks t's fields, flattening embedded structs the way
// encoding/json does, so a common Signoff can be embedded in each stage.
func collectFields(t reflect.Type, prefix []int, f *structFields) {
	for i := range t.NumField() {
		sf := t.Field(i)
		idx := append(append([]int(nil), prefix...), i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			collectFields(sf.Type, idx, f)
			continue
		}
		if !sf.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f.index[name] = idx
		f.names = append(f.names, name)
	}
}
