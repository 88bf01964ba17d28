package repository

// Translate exposes translate to the tests, which check that what the
// database refuses reaches the user as the mapped Chinese message.
var Translate = translate
