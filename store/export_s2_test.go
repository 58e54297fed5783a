package store

// SplitResultsPayloadForTest exposes the payload splitter to the fuzz test in package store_test, which
// compares it with encoding/json.
var SplitResultsPayloadForTest = splitResultsPayload
