package compress_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/yapstore/yapstore/compress"
)

// A page as the platform stores it, reduced to a few fields.
type examplePage struct {
	Metadata struct {
		PageNumber int    `json:"page_number"`
		Name       string `json:"name"`
	} `json:"metadata"`
	Dimensions int `json:"dimensions"`
	Data       struct {
		Unit   string    `json:"unit"`
		Values []float64 `json:"values"`
	} `json:"data"`
}

// Store a Go value in a blob column and read it back.
func ExampleCodec_Marshal() {
	var codec compress.Codec // the zero value uses DefaultLevel and DefaultMaxSize

	var page examplePage
	page.Metadata.PageNumber = 1
	page.Metadata.Name = "DOSE"
	page.Data.Unit = "MeV/g"
	page.Data.Values = []float64{0.071, 0.069}

	blob, err := codec.Marshal(page)
	if err != nil {
		fmt.Println(err)
		return
	}

	var read examplePage
	if err := codec.Unmarshal(blob, &read); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(read.Metadata.Name, read.Data.Unit, read.Data.Values)
	// Output: DOSE MeV/g [0.071 0.069]
}

// Serve JSON text straight from a blob, without building Go values; a NULL
// column reads as null.
func ExampleCodec_DecompressJSON() {
	var codec compress.Codec
	blob, err := codec.CompressJSON([]byte(`{"input_type": "editor", "number_of_all_primaries": 1000}`))
	if err != nil {
		fmt.Println(err)
		return
	}

	text, err := codec.DecompressJSON(blob)
	fmt.Println(string(text), err)

	var null []byte // what a NULL bytea column scans into
	text, err = codec.DecompressJSON(null)
	fmt.Println(string(text), err)
	// Output:
	// {"input_type": "editor", "number_of_all_primaries": 1000} <nil>
	// null <nil>
}

// Stream a blob to a writer and back from a reader, as to and from a file or
// a socket.
func ExampleCodec_NewEncoder() {
	var codec compress.Codec
	var wire bytes.Buffer

	logfiles := map[string]string{"simulation.log": "started\nfinished\n"}
	if err := codec.NewEncoder(&wire).Encode(logfiles); err != nil {
		fmt.Println(err)
		return
	}

	var read map[string]string
	if err := codec.NewDecoder(&wire).Decode(&read); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", read["simulation.log"])
	// Output: "started\nfinished\n"
}

// Tell the faults of a blob apart, and bound what a hostile blob may cost.
func ExampleError() {
	codec := compress.Codec{MaxSize: 16} // accept at most 16 bytes of JSON text
	blob, err := codec.CompressJSON([]byte(`{"values": [1, 2, 3, 4, 5]}`))
	if err != nil {
		fmt.Println(err)
		return
	}

	_, err = codec.DecompressJSON(blob)
	fmt.Println(errors.Is(err, compress.ErrTooLarge))

	_, err = compress.Codec{}.DecompressJSON(blob[:len(blob)-3])
	var codecErr *compress.Error
	if errors.As(err, &codecErr) {
		fmt.Println(codecErr.Kind == compress.ErrCorrupt, codecErr.Detail)
	}
	// Output:
	// true
	// true stream cut short
}
