package repository

// Translate exposes translate to the tests, which check that what the
// database refuses reaches the user as the mapped Chinese message.
var Translate = translate

// DupCheckSQL exposes the roster check for duplicates inside a file, whose
// plan a test checks.
const DupCheckSQL = dupCheckSQL
