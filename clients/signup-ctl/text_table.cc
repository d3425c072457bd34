#include "clients/signup-ctl/text_table.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace signup::ctl {
namespace {

constexpr char kColumnGap[] = "  ";

// Returns the number of UTF-8 code points in `text`: every byte that is not
// a continuation byte (10xxxxxx) starts one.
size_t CodePointCount(const std::string& text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

}  // namespace

std::vector<std::string> FormatTextTable(
    const std::vector<std::vector<std::string>>& rows,
    const std::vector<bool>& right_aligned) {
  std::vector<size_t> widths;
  for (const std::vector<std::string>& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], CodePointCount(row[column]));
    }
  }

  std::vector<std::string> lines;
  lines.reserve(rows.size());
  for (const std::vector<std::string>& row : rows) {
    std::string line;
    for (size_t column = 0; column < row.size(); ++column) {
      const std::string& cell = row[column];
      const size_t padding = widths[column] - CodePointCount(cell);
      const bool right =
          column < right_aligned.size() && right_aligned[column];
      const bool last = column + 1 == row.size();

      if (column > 0) line += kColumnGap;
      if (right) line.append(padding, ' ');
      line += cell;
      if (!right && !last) line.append(padding, ' ');
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace signup::ctl
