package training

// Free text: what the portal accepts in any text it stores. PostgreSQL
// refuses a NUL byte and invalid UTF-8 in text; the form edge refuses them
// first (server.checkInput), the repository maps the database's own codes
// as a second line of defence.

// MsgBadText is the message for text holding a NUL byte or invalid UTF-8.
const MsgBadText = "含有空字符或无效的文字编码，请删除后重新输入"

// MsgBadTextGeneral is MsgBadText for a form as a whole, when the field is
// not known.
const MsgBadTextGeneral = "提交的内容" + MsgBadText

// MsgTooLongGeneral is the message when the database refuses a text for
// its length and the field is not known.
const MsgTooLongGeneral = "填写的内容过长，请删减后重新提交"
