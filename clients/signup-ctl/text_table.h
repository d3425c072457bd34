// Column alignment of plain-text tables, such as the output of status.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_TEXT_TABLE_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_TEXT_TABLE_H_

#include <string>
#include <vector>

namespace signup::ctl {

// Formats `rows` as lines without '\n', with the cells of each column padded
// to the column's width and two spaces between columns. Columns whose index
// has `right_aligned` true are padded on the left, the others on the right.
// The last cell of a line gets no trailing padding. Rows may have different
// lengths. Width counts UTF-8 code points, so a cell with characters that a
// terminal draws two columns wide, such as CJK, misaligns the columns after
// it.
std::vector<std::string> FormatTextTable(
    const std::vector<std::vector<std::string>>& rows,
    const std::vector<bool>& right_aligned);

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_TEXT_TABLE_H_
