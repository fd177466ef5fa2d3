"""The message catalogue: the words a person reads for every code parindex uses.

Codes (``so``, ``criterion``, ``bands``, ``over_claimed`` …) are stable identifiers for
files, JSON and programs; a person never reads them. Every family of codes has a
Vietnamese label and an English twin here, once, and every output (CLI, explanations,
review, Excel, reports, plans) asks this module for them.

>>> label("level", "so")
'Sở, ban, ngành'
>>> label("finding", "over_claimed", "en")
'Self-score above the computed score'
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from parindex.errors import Problem
    from parindex.expressions import Expr

__all__ = [
    "FAMILIES",
    "TOTAL_ROW",
    "band",
    "counted",
    "expression_syntax_words",
    "expression_words",
    "label",
    "labels",
    "lower_first",
    "many",
    "of_set",
    "os_error",
    "other_set",
    "said",
    "text",
    "yaml_syntax_words",
]

Pair = tuple[str, str]

#: Family name → code → (Vietnamese, English).
FAMILIES: Final[Mapping[str, Mapping[str, Pair]]] = {
    # Unit levels (criteria.UnitLevel).
    "level": {
        "so": ("Sở, ban, ngành", "Provincial departments and agencies"),
        "huyen": ("UBND cấp huyện", "District people's committees"),
        "xa": ("UBND cấp xã", "Commune people's committees"),
    },
    # Node kinds (criteria.NodeKind), singular, capitalised.
    "node_kind": {
        "area": ("Lĩnh vực", "Area"),
        "criterion": ("Tiêu chí", "Criterion"),
        "sub_criterion": ("Tiêu chí thành phần", "Sub-criterion"),
        "item": ("Nội dung", "Item"),
    },
    # Rule kinds (criteria.*Rule.kind): how the points are decided.
    "rule_kind": {
        "check": ("Đạt / không đạt", "Yes / no"),
        "bands": ("Theo khoảng", "Bands"),
        "threshold": ("Theo ngưỡng", "Threshold"),
        "proportional": ("Tỷ lệ thuận", "Proportional"),
        "deadline": ("Theo thời hạn", "Deadline"),
        "levels": ("Theo cấp công nhận", "Levels"),
        "deduction": ("Trừ điểm theo số lần", "Deduction"),
        "survey": ("Điều tra xã hội học", "Sociological survey"),
        "bonus": ("Điểm thưởng", "Bonus"),
        "penalty": ("Điểm trừ", "Penalty"),
        "expression": ("Theo công thức", "Formula"),
    },
    # How a parent adds up its children (criteria.Aggregation).
    "aggregation": {
        "sum": ("Tổng các nội dung", "Sum of the parts"),
        "capped_sum": ("Tổng, không quá điểm tối đa", "Sum, capped at the maximum"),
        "max": ("Nội dung cao nhất", "Highest part"),
    },
    # Inputs parindex itself names (not a criteria file's): the survey result.
    "builtin_input": {
        "survey": ("Kết quả điều tra xã hội học (XHH)", "Sociological survey result (XHH)"),
    },
    # Input types (criteria.InputType).
    "input_type": {
        "count": ("Số lượng", "Count"),
        "ratio": ("Tỷ lệ (0–1)", "Ratio (0–1)"),
        "percent": ("Tỷ lệ %", "Percent"),
        "amount": ("Số tiền, số đo", "Amount"),
        "date": ("Ngày", "Date"),
        "yes_no": ("Có / không", "Yes / no"),
        "enum": ("Lựa chọn", "Choice"),
    },
    # Node status in a score (report.Status).
    "status": {
        "scored": ("đã chấm", "scored"),
        "not_applicable": ("không áp dụng", "not applicable"),
        "missing_input": ("thiếu số liệu", "missing input"),
        "survey": ("điều tra XHH", "survey"),
        "partial": ("chưa đủ số liệu", "partly undetermined"),
        "error": ("lỗi", "error"),
    },
    # Severity of a review finding (review.Severity).
    "severity": {
        "error": ("lỗi", "error"),
        "warning": ("cảnh báo", "warning"),
        "info": ("lưu ý", "note"),
    },
    # Review finding kinds (review.Finding.code).
    "finding": {
        "survey_self_scored": (
            "Tự chấm tiêu chí điều tra XHH",
            "Self-scored a survey criterion",
        ),
        "scored_not_applicable": (
            "Chấm tiêu chí không áp dụng",
            "Scored a criterion that does not apply",
        ),
        "above_max": ("Vượt điểm tối đa", "Above the maximum"),
        "computed_undetermined": (
            "Chưa tính được theo quy tắc",
            "Computed score undetermined",
        ),
        "over_claimed": ("Tự chấm cao hơn quy tắc", "Self-score above the computed score"),
        "under_claimed": ("Tự chấm thấp hơn quy tắc", "Self-score below the computed score"),
        "no_evidence_no_explanation": (
            "Thiếu TLKC và giải trình",
            "No evidence and no explanation",
        ),
        "evidence_expected_missing": ("Thiếu TLKC cần có", "Expected evidence missing"),
        "appraisal_without_note": (
            "Điểm thẩm định khác, không ghi chú",
            "Appraised score differs without a note",
        ),
        "section_not_cited": ("TLKC chưa trích mục, trang", "Evidence cites no section"),
        "evidence_after_deadline": ("TLKC sau thời hạn", "Evidence dated after the deadline"),
        "evidence_outside_year": (
            "TLKC ngoài năm đánh giá",
            "Evidence outside the assessed year",
        ),
        "not_self_scored": ("Chưa tự chấm", "Not self-scored"),
    },
    # Where a number comes from (criteria.Provenance.status).
    "provenance": {
        "stated": ("có nguồn văn bản", "stated by a source"),
        "provisional": ("tạm tính (chưa có nguồn chính thức)", "provisional (no official source)"),
    },
    # How a multi-report deadline scores (criteria.DeadlineRule.scoring).
    "deadline_scoring": {
        "all": ("đủ tất cả đúng hạn mới đạt", "all on time or nothing"),
        "each": ("chia đều theo từng lần đúng hạn", "shared over the reports on time"),
    },
    # Year-to-year comparison status (mapping.ComparisonStatus and its row statuses).
    "comparison": {
        "scored": ("đã chấm", "scored"),
        "not_applicable": ("không áp dụng", "not applicable"),
        "missing": ("thiếu số liệu", "missing input"),
        "unmapped": ("không có mã tương ứng", "no matching code"),
        "no_report": ("không có kết quả", "no result"),
    },
    # A year-to-year comparison row (mapping.compare_years ``status`` column).
    "comparison_row": {
        "both_scored": ("cả hai năm đã chấm", "scored both years"),
        "not_applicable": ("không áp dụng ở một năm", "not applicable one year"),
        "missing": ("thiếu số liệu", "missing input"),
        "unmapped": ("chỉ có ở một năm", "only in one year"),
        "no_report": ("thiếu kết quả một năm", "no result one year"),
    },
    # Columns and fixed labels of the self-assessment form (parindex.form).
    "form": {
        "code": ("STT", "No."),
        "title": ("Tiêu chí, tiêu chí thành phần, số liệu", "Criterion, sub-criterion, figure"),
        "max": ("Điểm tối đa", "Maximum"),
        "value": ("Số liệu kê khai", "Figure reported"),
        "how": ("Đơn vị tính, cách nhập; cách tính điểm", "Unit, how to enter; how it scores"),
        "applies": ("Áp dụng", "Applies"),
        "computed": ("Điểm theo quy tắc (tự tính)", "Computed score (live)"),
        "self": ("Điểm tự đánh giá", "Self-score"),
        "explain": ("Giải trình của đơn vị", "Unit's explanation"),
        "r1": ("Vòng 1: điểm thẩm định", "Round 1: appraised score"),
        "r1_note": ("Vòng 1: ý kiến thẩm định", "Round 1: appraiser's note"),
        "response": ("Giải trình sau vòng 1", "Explanation after round 1"),
        "r2": ("Vòng 2: điểm thẩm định", "Round 2: appraised score"),
        "r2_note": ("Vòng 2: ý kiến thẩm định", "Round 2: appraiser's note"),
        "final": ("Điểm cuối cùng (thẩm định)", "Final (appraised) score"),
        "doc_kind": ("TLKC: loại văn bản", "Evidence: kind of document"),
        "doc_number": ("Số, ký hiệu", "Number and symbol"),
        "doc_date": ("Ngày ban hành", "Date issued"),
        "doc_issuer": ("Cơ quan ban hành", "Issuer"),
        "doc_title": ("Trích yếu", "Title"),
        "doc_section": ("Trang, mục", "Page, section"),
        "doc_link": ("Đường dẫn", "Link"),
        "doc_id": ("Mã tài liệu", "Document id"),
        "heading": (
            "BIỂU MẪU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH",
            "SELF-ASSESSMENT FORM OF THE PAR INDEX",
        ),
        "unit_name": ("Tên đơn vị", "Unit name"),
        "unit_id": ("Mã đơn vị (chữ không dấu, số, dấu gạch)", "Unit id (letters, digits, -)"),
        "unit_level": ("Cấp", "Level"),
        "facts": (
            "THÔNG TIN VỀ ĐƠN VỊ (quyết định tiêu chí nào áp dụng)",
            "ABOUT THE UNIT (decides which criteria apply)",
        ),
        "others": ("SỐ LIỆU KHÁC", "OTHER FIGURES"),
        "evidence": ("Tài liệu kiểm chứng", "Evidence"),
        "evidence_expected": ("TLKC cần có", "Evidence expected"),
        "survey": (
            "Điểm điều tra XHH (Sở Nội vụ nhập)",
            "Survey points (entered by the appraisers)",
        ),
        "total": ("TỔNG ĐIỂM", "TOTAL"),
        "index": ("CHỈ SỐ (%)", "INDEX (%)"),
        "class": ("XẾP LOẠI", "CLASS"),
        "how_count": ("số nguyên từ 0", "a whole number from 0"),
        "how_number": ("số, viết 12,5 hoặc 12.5", "a number, 12.5 or 12,5"),
        "how_percent": ("tỷ lệ %, ví dụ 97,5%", "a percentage, e.g. 97.5%"),
        "how_ratio": ("tỷ lệ từ 0 đến 1", "a ratio from 0 to 1"),
        "how_date": (
            "ngày dd/mm/yyyy, hoặc 'không thực hiện'",
            "a date dd/mm/yyyy, or 'không thực hiện' (not done)",
        ),
        "how_yes_no": ("chọn có / không", "choose có (yes) / không (no)"),
        "how_enum": ("chọn trong danh sách", "choose from the list"),
        "guide": (
            "Nhập ở các ô nền vàng: số liệu, thông tin đơn vị, điểm tự đánh giá, giải trình, "
            "TLKC (cần thêm dòng TLKC: chèn dòng ngay dưới một dòng TLKC). Điểm theo quy tắc, "
            "tổng, chỉ số và xếp loại tự tính khi nhập. Ô thẩm định do Tổ thẩm định nhập; ô "
            "trống là chưa thẩm định. (*) điểm dựa trên giá trị tạm tính (chưa có nguồn "
            "chính thức).",
            "Enter in the yellow cells: figures, the unit's facts, self-scores, explanations, "
            "evidence (more evidence: insert a row just below an evidence row). Computed "
            "scores, totals, index and class update as you type. Appraisal cells are the "
            "appraisers'; empty means not appraised. (*) points resting on provisional values.",
        ),
    },
}


TOTAL_ROW: Final = "TỔNG"
"""The code of the total row of a review's summary (``Review.summary``): an identifier JSON
and programs keep, never shown; a person reads ``label("form", "total")`` ("TỔNG ĐIỂM")."""


def label(family: str, code: object, language: str = "vi") -> str:
    """The label of ``code`` in ``family`` (``"level"``, ``"finding"`` …).

    A code the catalogue does not know (a province's own group name, say) is shown as
    written: it is the user's own word, not one of parindex's codes.
    """
    key = getattr(code, "value", code)
    pair = FAMILIES[family].get(str(key))
    if pair is None and family == "rule_kind":  # a kind the program registered
        rules = sys.modules.get("parindex.rules")  # never imported for this: none registered
        pair = rules.kind_label(str(key)) if rules is not None else None
    if pair is None:
        return str(key)
    return pair[1] if language == "en" else pair[0]


_BAND_WORDS: Final[Mapping[str, str]] = {
    "Xuất sắc": "Excellent",
    "Tốt": "Good",
    "Khá": "Fair",
    "Trung bình": "Average",
    "Yếu": "Weak",
    "Kém": "Poor",
    "Đạt": "Passed",
    "Không đạt": "Not passed",
    "Chưa xác định": "Undetermined",
}
"""Grades the decisions name units by (Huế: Xuất sắc, Tốt, Khá, Trung bình), in English."""

_BAND_HEADS: Final[Mapping[str, str]] = {"Nhóm": "Group", "Loại": "Grade"}
"""Words a band's name starts with before its numeral or letter (Nhóm II, Loại A)."""


def band(name: str, language: str = "vi") -> str:
    """A classification band as a person reads it: as the set names it, and in English in
    English words where the decisions' words are known ("Nhóm II" → "Group II", "Loại A" →
    "Grade A", "Xuất sắc" → "Excellent"). A name of the set's own making stays as written.

    >>> band("Nhóm II", "en"), band("Nhóm II"), band("Tốt", "en"), band("Mức 3", "en")
    ('Group II', 'Nhóm II', 'Good', 'Mức 3')
    """
    if language != "en":
        return name
    word = _BAND_WORDS.get(name.strip())
    if word is not None:
        return word
    head, _, rest = name.partition(" ")
    if head in _BAND_HEADS and rest:
        return f"{_BAND_HEADS[head]} {rest}"
    return name


def labels(family: str, codes: Iterable[object], language: str = "vi") -> str:
    """Several labels joined with ``"; "`` (labels hold commas themselves)."""
    return "; ".join(label(family, code, language) for code in codes)


def counted(family: str, counts: Mapping[str, int], language: str = "vi") -> str:
    """``"Lĩnh vực 8, Tiêu chí 32"``: each code's label with its count, in the catalogue's order."""
    order = list(FAMILIES[family])
    ranked = sorted(counts, key=lambda c: (order.index(c) if c in order else len(order), c))
    return ", ".join(f"{label(family, code, language)} {counts[code]}" for code in ranked)


def os_error(exc: OSError) -> Pair:
    """What went wrong reading or writing a file, in Vietnamese and English (no OS jargon)."""
    import errno

    words: Mapping[int, Pair] = {
        errno.ENOENT: ("không tìm thấy tệp hoặc thư mục", "no such file or directory"),
        errno.EISDIR: ("đây là thư mục, không phải tệp", "is a directory, not a file"),
        errno.ENOTDIR: ("không phải thư mục", "not a directory"),
        errno.EACCES: ("không có quyền đọc/ghi", "permission denied"),
        errno.EPERM: ("không có quyền đọc/ghi", "permission denied"),
        errno.ENOSPC: ("ổ đĩa đã đầy", "no space left on the disk"),
        errno.EROFS: ("ổ đĩa chỉ đọc", "read-only file system"),
    }
    pair = words.get(exc.errno or 0)
    if pair is None:
        return (f"lỗi hệ thống số {exc.errno}", f"system error {exc.errno}")
    return pair


SUBMISSION: Final[Pair] = ("hồ sơ", "a submission")
PLAN: Final[Pair] = ("kế hoạch", "a plan")


def of_set(noun: Pair, other: str, wanted: Iterable[str], language: str = "vi") -> str:
    """What a file written for another criteria set is, in the words every message about one
    uses: ``noun`` (:data:`SUBMISSION`, :data:`PLAN`) of the set it names, not of the set read.

    >>> of_set(PLAN, "quangbinh-stnmt-2021", ["namdinh-stnmt-2023"])
    'kế hoạch của bộ quangbinh-stnmt-2021, không phải bộ namdinh-stnmt-2023'
    """
    sets = ", ".join(wanted)
    return text(
        f"{noun[0]} của bộ {other}, không phải bộ {sets}",
        f"{noun[1]} for {other}, not {sets}",
        language,
    )


def other_set(
    file: str | None, line: int | None, other: str, wanted: Iterable[str], language: str = "vi"
) -> str:
    """The one sentence every command says when it leaves out a file of another criteria set:
    the file and line of its ``criteria:``, the set it names and the set the command reads.

    >>> other_set("ho-so/a.yaml", 3, "quangbinh-stnmt-2021", ["namdinh-stnmt-2023"])
    'Bỏ qua ho-so/a.yaml:3: hồ sơ của bộ quangbinh-stnmt-2021, không phải bộ namdinh-stnmt-2023'
    """
    where = (file or "?") + ("" if line is None else f":{line}")
    skipped = text(f"Bỏ qua {where}: ", f"Skipped {where}: ", language)
    return skipped + of_set(SUBMISSION, other, wanted, language)


def said(problem: Problem, language: str = "vi") -> str:
    """A problem as a person reads it: a submission of another set left out (kind
    ``other_set``, naming the set read in ``allowed``) in :func:`other_set`'s sentence, any
    other in its located one-line form (a plan of another set is refused, not left out)."""
    if problem.kind == "other_set" and problem.allowed:
        return other_set(problem.file, problem.line, problem.text or "?", problem.allowed, language)
    return problem.describe(language)


def text(vi: str, en: str, language: str = "vi") -> str:
    """Pick the Vietnamese or English twin of a sentence."""
    return en if language == "en" else vi


def many(count: int, noun: str) -> str:
    """An English count with its noun in the number it takes: ``"1 unit"``, ``"7 units"``
    (Vietnamese nouns do not change: ``f"{count} đơn vị"``)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --- expressions in words ---------------------------------------------------------------

_OPERATORS: Final[Mapping[str, str]] = {
    "+": "+",
    "-": "−",
    "*": "×",
    "/": "÷",
    "**": "^",
    "==": "=",
    "!=": "≠",
    "<": "<",
    "<=": "≤",
    ">": ">",
    ">=": "≥",
}

_FUNCTIONS: Final[Mapping[str, Pair]] = {
    "min": ("nhỏ nhất của {args}", "the least of {args}"),
    "max": ("lớn nhất của {args}", "the greatest of {args}"),
    "abs": ("giá trị tuyệt đối của {0}", "the absolute value of {0}"),
    "round": ("{0} làm tròn đến {1} chữ số", "{0} rounded to {1} places"),
    "clamp": ("{0} giới hạn trong [{1}; {2}]", "{0} kept within [{1}; {2}]"),
    "date": ("ngày {2}/{1}/{0}", "the date {2}/{1}/{0}"),
    "days_between": ("số ngày từ {0} đến {1}", "the days from {0} to {1}"),
    "year": ("năm của {0}", "the year of {0}"),
    "month": ("tháng của {0}", "the month of {0}"),
    "day": ("ngày của {0}", "the day of {0}"),
    "quarter": ("quý của {0}", "the quarter of {0}"),
}


def lower_first(words: str) -> str:
    """Lower-case the first letter unless it starts an acronym (``TTHC``)."""
    if len(words) > 1 and words[1].islower():
        return words[0].lower() + words[1:]
    return words


def _constant(value: object, language: str) -> str:
    from parindex.numbers import format_date, format_decimal

    if isinstance(value, bool):
        return text("có", "yes", language) if value else text("không", "no", language)
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, dt.date):
        return format_date(value)
    return f"«{value}»"


def expression_words(root: Expr, names: Mapping[str, str], language: str = "vi") -> str:
    """An expression written for a reader: names become their labels, operators symbols.

    ``percent(a + b, c, 100)`` reads "Tỷ lệ (… + …) / …"; a reader never sees an input's
    code or a function's name.
    """
    from parindex import expressions as ex

    def words(node: ex.Expr, inner: bool = False) -> str:
        if isinstance(node, ex.Name):
            shown = names.get(node.name, node.name.replace("_", " "))
            return lower_first(shown) if inner else shown
        if isinstance(node, ex.Const):
            return _constant(node.value, language)
        if isinstance(node, ex.Unary):
            return f"{_OPERATORS.get(node.op, node.op)}{words(node.operand, True)}"
        if isinstance(node, ex.Binary):
            shown = f"{words(node.left, True)} {_OPERATORS[node.op]} {words(node.right, True)}"
            return f"({shown})" if inner else shown
        if isinstance(node, ex.Compare):
            parts = [words(node.operands[0], inner)]
            for op, operand in zip(node.ops, node.operands[1:], strict=True):
                parts.append(f"{_OPERATORS.get(op, op)} {words(operand, True)}")
            return " ".join(parts)
        if isinstance(node, ex.BoolOp):
            joiner = {
                "and": text(" và ", " and ", language),
                "or": text(" hoặc ", " or ", language),
            }
            return joiner[node.op].join(words(v, True) for v in node.values)
        if isinstance(node, ex.Not):
            return text("không phải ", "not ", language) + f"({words(node.operand, True)})"
        if isinstance(node, ex.IfElse):
            return text(
                f"{words(node.body, True)} nếu {words(node.test, True)}, "
                f"ngược lại {words(node.orelse, True)}",
                f"{words(node.body, True)} if {words(node.test, True)}, "
                f"else {words(node.orelse, True)}",
                language,
            )
        if isinstance(node, ex.In):
            options = ", ".join(_constant(o, language) for o in node.options)
            verb = (
                text("không thuộc", "not in", language)
                if node.negated
                else text("thuộc", "in", language)
            )
            return f"{words(node.needle, inner)} {verb} ({options})"
        if isinstance(node, ex.Call):
            return call(node, inner)
        return str(node)  # pragma: no cover - every Expr subclass is handled above

    def call(node: ex.Call, inner: bool) -> str:
        args = [words(a, True) for a in node.args]
        if node.function in ("percent", "ratio"):
            head = text("Tỷ lệ", "The ratio", language)
            shown = f"{head} {args[0]} / {args[1]}"
            return lower_first(shown) if inner else shown
        vi, en = _FUNCTIONS.get(node.function, ("{args}", "{args}"))
        return text(vi, en, language).format(*args, args=", ".join(args))

    return words(root)


# The YAML parser's complaints (PyYAML's words) with the usual cause and fix in Vietnamese.
_YAML_SYNTAX_VI = (
    (
        "mapping values are not allowed",
        "dấu ':' không đúng chỗ: văn bản có ':' phải đặt trong ngoặc kép "
        '(title: "Kế hoạch: năm 2023"), hoặc dòng này thụt lề sai',
    ),
    (
        "found character '\\t'",
        "có ký tự Tab: thụt lề bằng dấu cách, không dùng Tab",
    ),
    (
        "could not find expected ':'",
        "thiếu dấu ':' sau khóa, hoặc một chuỗi trong ngoặc kép chưa đóng ngoặc",
    ),
    (
        "found unexpected end of stream",
        "tệp kết thúc giữa chừng: một ngoặc kép hoặc ngoặc [ { chưa đóng",
    ),
    (
        "expected <block end>, but found",
        "thụt lề không đều: các khóa cùng cấp phải thẳng cột, mục danh sách bắt đầu bằng '- '",
    ),
    (
        "did not find expected key",
        "thụt lề không đều: các khóa cùng cấp phải thẳng cột, mục danh sách bắt đầu bằng '- '",
    ),
    (
        "did not find expected ',' or ']'",
        "danh sách [ … ] chưa đóng hoặc thiếu dấu phẩy giữa các phần tử",
    ),
    (
        "did not find expected ',' or '}'",
        "bảng { … } chưa đóng hoặc thiếu dấu phẩy giữa các khóa",
    ),
    (
        "expected '<document start>'",
        "tệp có nội dung lạ ở đầu dòng (có thể là hai tài liệu ghép lại): chỉ một bảng khóa: giá trị",
    ),
)


def yaml_syntax_words(problem: str) -> str:
    """The parser's complaint in Vietnamese with the usual fix; its own words kept after."""
    for english, vietnamese in _YAML_SYNTAX_VI:
        if english in problem:
            return f"lỗi cú pháp YAML: {vietnamese} (trình đọc YAML báo: {problem})"
    return f"lỗi cú pháp YAML (trình đọc YAML báo: {problem})"


_EXPRESSION_SYNTAX: tuple[tuple[str, Pair], ...] = (
    (
        "was never closed",
        ("ngoặc mở chưa đóng: thêm ')' cho đủ cặp", "a bracket is never closed: add its ')'"),
    ),
    (
        "unmatched",
        (
            "ngoặc đóng không có ngoặc mở: xóa nó hoặc thêm '(' trước",
            "a closing bracket has no opening one: remove it or add its '('",
        ),
    ),
    (
        "expected 'else'",
        (
            "'A if B' cần phần 'else': viết 'A if B else C'",
            "'A if B' needs 'else': 'A if B else C'",
        ),
    ),
    (
        "unterminated string",
        (
            "chuỗi chưa đóng dấu nháy: thêm dấu nháy (' hoặc \") ở cuối chuỗi",
            "a string is never closed: add its quote",
        ),
    ),
    (
        "leading zeros",
        ("số không viết số 0 ở đầu: viết 8, không phải 08", "no leading zero: 8, not 08"),
    ),
)

_TYPED_SIGNS = {"≥": ">=", "≤": "<=", "≠": "!=", "×": "*", "÷": "/", "–": "-", "−": "-"}
_TYPED_SIGNS |= dict.fromkeys("“”„", '"') | dict.fromkeys("‘’", "'")
"""Signs a word processor types for an operator or a quote, and what the rule writes."""


def _invalid_character(message: str) -> Pair | None:
    """Python's "invalid character '≥' (U+2265)": the character named, and what to write."""
    if not message.startswith("invalid character '"):
        return None
    char = message[len("invalid character '")]
    instead = _TYPED_SIGNS.get(char)
    write = f": viết {instead}" if instead else ": xóa hoặc gõ lại bằng bàn phím"
    write_en = f": write {instead}" if instead else ": remove it or type it again"
    return (
        f"ký tự «{char}» không dùng được trong biểu thức{write}",
        f"the character «{char}» cannot be used in an expression{write_en}",
    )


def expression_syntax_words(
    message: str, text: str, offset: int | None, line: int | None = None
) -> Pair:
    """Python's complaint about an expression it cannot read, in words with the usual fix
    and the place (its end, or the characters around the column, counted from the start of
    the expression when it runs over several lines: Python counts within ``line``),
    Vietnamese and English; Python's own words only in the English.

    >>> expression_syntax_words("invalid syntax", "a * (1 if b else 0) +", 0)[0]
    'lỗi cú pháp ở cuối biểu thức («… (1 if b else 0) +»): sau dấu phép tính cuối còn thiếu một số hoặc một tên'
    """
    stripped = text.strip()
    column = offset or 0
    if column and line is not None and line > 1:
        column += sum(len(part) + 1 for part in stripped.split("\n")[: line - 1])
    at_end = not column or column > len(stripped)
    if at_end:
        near = stripped if len(stripped) <= 20 else "… " + stripped[-18:].lstrip()
        near = " ".join(near.split())
        where = (f"ở cuối biểu thức («{near}»)", f"at the end («{near}»)")
    else:
        near = " ".join(stripped[max(0, column - 11) : column + 9].split())
        where = (f"ở vị trí {column} («{near}»)", f"at column {column} («{near}»)")
    fix = _invalid_character(message) or next(
        (pair for english, pair in _EXPRESSION_SYNTAX if english in message), None
    )
    if fix is None:
        plain = message.startswith("invalid syntax")
        if at_end and plain and stripped.endswith("%"):
            fix = ("tỷ lệ viết không có dấu %: 90, không phải 90 %", "a rate has no %: 90")
        elif at_end and plain:
            fix = (
                "sau dấu phép tính cuối còn thiếu một số hoặc một tên",
                "a number or a name is missing after the last operator",
            )
        else:
            fix = (
                "xem lại dấu phép tính, tên và ngoặc ở chỗ này",
                f"check the operators, names and brackets there ({message})",
            )
    return f"lỗi cú pháp {where[0]}: {fix[0]}", f"syntax error {where[1]}: {fix[1]}"
