package planner

import (
	"github.com/eddysql/eddy/parser/ast"
	"github.com/eddysql/eddy/planner/catalog"
	"github.com/eddysql/eddy/planner/types"
)

// resolveType converts a type as written in SQL, expanding custom types.
func resolveType(cat *catalog.Catalog, t *ast.Type) (*types.Type, error) {
	switch t.Kind {
	case ast.TypeBoolean:
		return types.BooleanType, nil
	case ast.TypeInt:
		return types.IntType, nil
	case ast.TypeBigint:
		return types.BigintType, nil
	case ast.TypeDouble:
		return types.DoubleType, nil
	case ast.TypeDecimal:
		if t.Precision < 1 {
			return nil, errorf(t.Position(), "DECIMAL precision must be >= 1: DECIMAL(%d, %d)", t.Precision, t.Scale)
		}
		if t.Scale < 0 || t.Scale > t.Precision {
			return nil, errorf(t.Position(), "DECIMAL scale must be between 0 and precision %d: DECIMAL(%d, %d)", t.Precision, t.Precision, t.Scale)
		}
		return types.DecimalOf(t.Precision, t.Scale), nil
	case ast.TypeString:
		return types.StringType, nil
	case ast.TypeBytes:
		return types.BytesType, nil
	case ast.TypeDate:
		return types.DateType, nil
	case ast.TypeTime:
		return types.TimeType, nil
	case ast.TypeTimestamp:
		return types.TimestampType, nil
	case ast.TypeArray:
		e, err := resolveType(cat, t.Elem)
		if err != nil {
			return nil, err
		}
		return types.ArrayOf(e), nil
	case ast.TypeMap:
		k, err := resolveType(cat, t.Key)
		if err != nil {
			return nil, err
		}
		v, err := resolveType(cat, t.Value)
		if err != nil {
			return nil, err
		}
		return types.MapOf(k, v), nil
	case ast.TypeStruct:
		fields := make([]types.Field, len(t.Fields))
		for i, f := range t.Fields {
			ft, err := resolveType(cat, f.Type)
			if err != nil {
				return nil, err
			}
			fields[i] = types.Field{Name: f.Name, Type: ft}
		}
		return types.StructOf(fields...), nil
	case ast.TypeCustom:
		if ct, ok := cat.Type(t.Name); ok {
			return ct, nil
		}
		return nil, errorf(t.Position(), "Unknown type: %s", t.Name)
	}
	return nil, errorf(t.Position(), "unsupported type")
}

// ResolveType converts a type as written in SQL, expanding the catalog's
// custom types.
func ResolveType(cat *catalog.Catalog, t *ast.Type) (*types.Type, error) { return resolveType(cat, t) }
