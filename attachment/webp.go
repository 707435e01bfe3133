package attachment

import (
	"encoding/binary"
	"errors"
	"io"
)

// webpSize reads a WebP file's width and height from its first chunk header. The format
// has three kinds of first chunk (lossy VP8, lossless VP8L, extended VP8X), each with the
// size at a fixed place; reading those few bytes here spares the module a dependency on
// golang.org/x/image for an image the server never decodes.
func webpSize(r io.Reader) (w, h int, err error) {
	var b [30]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, 0, err
	}
	if string(b[0:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return 0, 0, errNotWebP
	}
	switch string(b[12:16]) {
	case "VP8 ": // a key frame: a 3-byte tag, the start code, then 14-bit sizes
		if b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a {
			return 0, 0, errNotWebP
		}
		return int(binary.LittleEndian.Uint16(b[26:]) & 0x3fff), int(binary.LittleEndian.Uint16(b[28:]) & 0x3fff), nil
	case "VP8L": // a signature byte, then 14 bits of width-1 and 14 of height-1
		if b[20] != 0x2f {
			return 0, 0, errNotWebP
		}
		bits := binary.LittleEndian.Uint32(b[21:])
		return int(bits&0x3fff) + 1, int(bits>>14&0x3fff) + 1, nil
	case "VP8X": // flags, then 24 bits each of canvas width-1 and height-1
		return int(uint24(b[24:])) + 1, int(uint24(b[27:])) + 1, nil
	}
	return 0, 0, errNotWebP
}

var errNotWebP = errors.New("not a WebP image")

func uint24(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 }
