package store

// convertRows turns the rows a generated query returned into public values with convert, in order. It
// stops at the first row convert refuses (a parent row without its variant row) and returns that error.
func convertRows[R, T any](rows []R, convert func(R) (T, error)) ([]T, error) {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		v, err := convert(r)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
