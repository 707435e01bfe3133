package dbcopy

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math/bits"
	"strconv"
	"strings"
)

// kind is what a column holds, read from the target's column type. Values from either
// kind of source, and values read back from the target, are brought to one Go type per
// kind (normalise), so that a row checksums the same wherever it was read.
type kind int

const (
	kindInt   kind = iota // bigint, integer, smallint: int64
	kindBool              // boolean: bool; SQLite stores 0 or 1
	kindText              // text: string
	kindInts              // bigint[]: []int64; SQLite stores the ids space-separated
	kindBytes             // bytea: []byte
)

// kindOf maps a PostgreSQL column type, as information_schema names it, to a kind. A type
// not listed fails the copy, naming the column, rather than copying it by a guess.
func kindOf(dataType, udtName string) (kind, bool) {
	switch dataType {
	case "bigint", "integer", "smallint":
		return kindInt, true
	case "boolean":
		return kindBool, true
	case "text", "character varying":
		return kindText, true
	case "bytea":
		return kindBytes, true
	case "ARRAY":
		if udtName == "_int8" || udtName == "_int4" {
			return kindInts, true
		}
	}
	return 0, false
}

// normalise brings v, as a driver returned it, to its kind's Go type; NULL stays nil.
func normalise(k kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kindInt:
		switch n := v.(type) {
		case int64:
			return n, nil
		case int32:
			return int64(n), nil
		case int16:
			return int64(n), nil
		}
	case kindBool:
		switch b := v.(type) {
		case bool:
			return b, nil
		case int64:
			if b == 0 || b == 1 {
				return b == 1, nil
			}
		}
	case kindText:
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
	case kindBytes:
		switch b := v.(type) {
		case []byte:
			return b, nil
		case string:
			return []byte(b), nil
		}
	case kindInts:
		switch a := v.(type) {
		case []int64:
			return a, nil
		case []any: // pgx's value for an array
			out := make([]int64, len(a))
			for i, e := range a {
				n, err := normalise(kindInt, e)
				if err != nil || n == nil {
					return nil, fmt.Errorf("array element %v: not an integer", e)
				}
				out[i] = n.(int64)
			}
			return out, nil
		case string: // SQLite: "3 14 15"
			out := []int64{}
			for _, f := range strings.Fields(a) {
				n, err := strconv.ParseInt(f, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("%q: not space-separated integers", a)
				}
				out = append(out, n)
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("%T value %v does not fit the column", v, v)
}

// digest is a table's checksum: the sum, modulo 2^256, of the SHA-256 of every row's
// canonical encoding. A sum does not depend on the order rows are read in, so the target
// is read back by a plain scan, without sorting it and without relying on PostgreSQL's
// text collation ordering keys as SQLite does (byte by byte); with the row count checked
// beside it, a lost, added, duplicated or changed row changes it.
type digest struct {
	sum  [4]uint64 // big-endian words
	h    hash.Hash
	buf  []byte
	rows int64
}

func newDigest() *digest { return &digest{h: sha256.New()} }

// add adds a row of normalised values.
func (d *digest) add(row []any) {
	d.buf = encodeRow(d.buf[:0], row)
	d.h.Reset()
	d.h.Write(d.buf)
	var sum [sha256.Size]byte
	d.h.Sum(sum[:0])
	var carry uint64
	for i := 3; i >= 0; i-- {
		d.sum[i], carry = bits.Add64(d.sum[i], binary.BigEndian.Uint64(sum[i*8:]), carry)
	}
	d.rows++
}

func (d *digest) String() string {
	var b [32]byte
	for i, w := range d.sum {
		binary.BigEndian.PutUint64(b[i*8:], w)
	}
	return hex.EncodeToString(b[:])
}

// encodeRow appends the canonical encoding of a row of normalised values: each value is a
// tag byte and its content, strings and arrays prefixed by their length, so that NULL, ""
// and 0 differ and no two rows encode alike. A boolean encodes as the integer 0 or 1.
func encodeRow(b []byte, row []any) []byte {
	for _, v := range row {
		switch v := v.(type) {
		case nil:
			b = append(b, 'N')
		case int64:
			b = binary.BigEndian.AppendUint64(append(b, 'I'), uint64(v))
		case bool:
			b = binary.BigEndian.AppendUint64(append(b, 'I'), uint64(boolInt(v)))
		case string:
			b = append(binary.AppendUvarint(append(b, 'S'), uint64(len(v))), v...)
		case []byte:
			b = append(binary.AppendUvarint(append(b, 'B'), uint64(len(v))), v...)
		case []int64:
			b = binary.AppendUvarint(append(b, 'A'), uint64(len(v)))
			for _, n := range v {
				b = binary.BigEndian.AppendUint64(b, uint64(n))
			}
		default:
			panic(fmt.Sprintf("dbcopy: %T is not a normalised value", v)) // normalise returns none
		}
	}
	return b
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
