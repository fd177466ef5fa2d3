"""Words of the HTML and Word reports and their charts, Vietnamese first, English twin.

Kept in one small table until the message catalogue (``parindex/messages.py``) holds
them; nothing here is written twice.
"""

from __future__ import annotations

__all__ = ["LEVELS", "WORDS", "group_label", "words"]

LEVELS = {
    "vi": {"so": "Sở, ban, ngành", "huyen": "Cấp huyện", "xa": "Cấp xã"},
    "en": {"so": "Departments", "huyen": "Districts", "xa": "Communes"},
}

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "index": "Chỉ số (%)",
        "units": "Số đơn vị",
        "none": "Chưa xác định",
        "ranking": "Xếp hạng {group} theo chỉ số cuối cùng",
        "distribution": "Phân bố chỉ số và các mức xếp loại",
        "areas": "Chỉ số thành phần trung bình theo lĩnh vực (%)",
        "area": "Lĩnh vực",
        "yoy": "Chỉ số năm {old} và năm {new}",
        "appraised": "đã thẩm định",
        "computed": "tính theo số liệu",
        "rank": "Hạng",
        "unit": "Đơn vị",
        "total": "Tổng điểm",
        "max": "Tối đa",
        "class": "Xếp loại",
        "basis": "Căn cứ",
        "change": "So với năm trước",
        "flags": "Lưu ý",
        "undetermined": "{points} điểm chưa xác định",
        "provisional": "{points} điểm dựa trên giá trị tạm tính",
        "not_appraised": "chưa thẩm định",
        "points": "Điểm",
        "self": "Tự chấm",
        "computed_col": "Tính lại",
        "appraised_col": "Thẩm định",
        "code": "Mã",
        "title": "Nội dung",
        "status": "Tình trạng",
        "rule": "Cách tính",
        "result": "Kết quả",
        "inputs": "Số liệu sử dụng",
        "missing": "Thiếu số liệu",
        "evidence": "Tài liệu kiểm chứng",
        "evidence_missing": "TLKC cần có nhưng chưa cung cấp",
        "findings": "Phát hiện thẩm định",
        "parent": "Thuộc",
        "parts": "Gồm",
        "tree": "Cây tiêu chí và điểm",
        "search": "Tìm theo mã hoặc từ",
        "province": "Toàn tỉnh",
        "synthetic": "DỮ LIỆU TỔNG HỢP — không phải số liệu thật",
        "sample": "dữ liệu mẫu",
        "skipped": "Hồ sơ không đưa vào báo cáo",
        "heatmap": "Chỉ số thành phần theo lĩnh vực (%)",
        "back": "Về trang toàn tỉnh",
        "no_match": "Không có kết quả phù hợp",
        "provisional_note": (
            "{points} trên {max} điểm tối đa của bộ tiêu chí dựa trên giá trị tạm tính "
            "(chưa có nguồn chính thức)."
        ),
        "summary": "Tóm tắt",
        "units_count": "{n} đơn vị",
        "flagged": "Đơn vị cần lưu ý",
        "movement_up": "tăng {n} bậc",
        "movement_down": "giảm {n} bậc",
        "movement_same": "giữ hạng",
        "new": "mới",
        "print": "In",
        "doc_nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "doc_motto": "Độc lập - Tự do - Hạnh phúc",
        "doc_committee": "UBND {province}",
        "doc_issuer": "Sở Nội vụ",
        "doc_number": "Số: …/{symbol}",
        "doc_place_date": "{place}, ngày … tháng … năm …",
        "doc_report": "Báo cáo",
        "doc_subject": "Kết quả thẩm định Chỉ số cải cách hành chính năm {year}",
        "doc_summary": "I. Tóm tắt",
        "doc_counts": (
            "Số đơn vị được đánh giá: {n}; đã thẩm định: {appraised}; "
            "chưa thẩm định (điểm tính theo số liệu): {computed}."
        ),
        "doc_undetermined_units": "Đơn vị còn điểm chưa xác định (thiếu số liệu): {n}.",
        "doc_ranking": "II. Xếp hạng và xếp loại",
        "doc_classes": "Xếp loại: {counts}.",
        "doc_class_count": "{band}: {n} đơn vị",
        "doc_areas": "III. Phân tích theo lĩnh vực",
        "doc_mean": "Trung bình (%)",
        "doc_lowest": "Thấp nhất (%)",
        "doc_highest": "Cao nhất (%)",
        "doc_lowest_unit": "Đơn vị thấp nhất",
        "doc_units": "IV. Kết quả và phát hiện chính của từng đơn vị",
        "doc_unit_line": "chỉ số {index}%, {band}, hạng {rank}.",
        "doc_no_class": "chưa xác định xếp loại",
        "doc_more_findings": "và {n} phát hiện khác (xem báo cáo của đơn vị).",
        "doc_recipients": "Nơi nhận:",
        "doc_recipient_lines": "- Như trên;|- Hội đồng thẩm định;|- Lưu: VT, CCHC.",
        "doc_director": "Giám đốc",
        "doc_sign": "(Ký, ghi rõ họ tên và đóng dấu)",
        "doc_results": "I. Kết quả",
        "doc_unit_result": (
            "Tổng điểm {total}/{max}; chỉ số {index}%; xếp loại: {band}; hạng {rank} "
            "trong nhóm {group}; căn cứ: {basis}."
        ),
        "doc_class_none": "chưa xác định",
        "doc_basis_appraised": "điểm thẩm định",
        "doc_basis_computed": "điểm tính theo số liệu (chưa thẩm định)",
        "doc_findings": "II. Phát hiện thẩm định",
        "doc_no_findings": "Không có phát hiện.",
    },
    "en": {
        "index": "Index (%)",
        "units": "Units",
        "none": "Undetermined",
        "ranking": "Ranking of {group} on the final index",
        "distribution": "Distribution of the index and the classes",
        "areas": "Mean area sub-index (%)",
        "area": "Area",
        "yoy": "Index in {old} and {new}",
        "appraised": "appraised",
        "computed": "computed from inputs",
        "rank": "Rank",
        "unit": "Unit",
        "total": "Total",
        "max": "Maximum",
        "class": "Class",
        "basis": "Basis",
        "change": "Against last year",
        "flags": "Notes",
        "undetermined": "{points} points undetermined",
        "provisional": "{points} points rest on provisional values",
        "not_appraised": "not appraised",
        "points": "Points",
        "self": "Self-score",
        "computed_col": "Computed",
        "appraised_col": "Appraised",
        "code": "Code",
        "title": "Item",
        "status": "Status",
        "rule": "Rule",
        "result": "Result",
        "inputs": "Inputs used",
        "missing": "Missing inputs",
        "evidence": "Evidence",
        "evidence_missing": "Expected evidence not supplied",
        "findings": "Review findings",
        "parent": "Part of",
        "parts": "Parts",
        "tree": "Criteria tree and points",
        "search": "Search by code or word",
        "province": "Province",
        "synthetic": "SYNTHETIC DATA — not real figures",
        "sample": "sample data",
        "skipped": "Submissions left out of the report",
        "heatmap": "Area sub-indices (%)",
        "back": "Back to the province page",
        "no_match": "Nothing matches",
        "provisional_note": (
            "{points} of the set's {max} maximum points rest on provisional values "
            "(no official source yet)."
        ),
        "summary": "Summary",
        "units_count": "{n} units",
        "flagged": "Units to look at",
        "movement_up": "up {n}",
        "movement_down": "down {n}",
        "movement_same": "same rank",
        "new": "new",
        "print": "Print",
        # the Government's own English (news.chinhphu.vn's documents): "VIET NAM", two words
        "doc_nation": "SOCIALIST REPUBLIC OF VIET NAM",
        "doc_motto": "Independence - Freedom - Happiness",
        "doc_committee": "People's Committee of {place}",
        "doc_issuer": "Department of Home Affairs",
        "doc_number": "No.: …/{symbol}",
        "doc_place_date": "{place}, date …/…/…",
        "doc_report": "Report",
        "doc_subject": "Appraisal of the PAR Index {year}",
        "doc_summary": "I. Summary",
        "doc_counts": (
            "Units assessed: {n}; appraised: {appraised}; "
            "not appraised (points computed from inputs): {computed}."
        ),
        "doc_undetermined_units": "Units with points undetermined (inputs missing): {n}.",
        "doc_ranking": "II. Ranking and classes",
        "doc_classes": "Classes: {counts}.",
        "doc_class_count": "{band}: {n}",
        "doc_areas": "III. Analysis by area",
        "doc_mean": "Mean (%)",
        "doc_lowest": "Lowest (%)",
        "doc_highest": "Highest (%)",
        "doc_lowest_unit": "Lowest unit",
        "doc_units": "IV. Each unit's results and main findings",
        "doc_unit_line": "index {index}%, {band}, rank {rank}.",
        "doc_no_class": "class undetermined",
        "doc_more_findings": "and {n} more findings (see the unit's report).",
        "doc_recipients": "Recipients:",
        "doc_recipient_lines": "- As above;|- The appraisal council;|- Archive: VT, CCHC.",
        "doc_director": "Director",
        "doc_sign": "(Signature, full name and seal)",
        "doc_results": "I. Results",
        "doc_unit_result": (
            "Total {total}/{max}; index {index}%; class: {band}; rank {rank} "
            "in {group}; basis: {basis}."
        ),
        "doc_class_none": "undetermined",
        "doc_basis_appraised": "appraised points",
        "doc_basis_computed": "points computed from inputs (not appraised)",
        "doc_findings": "II. Review findings",
        "doc_no_findings": "No findings.",
    },
}


def words(language: str) -> dict[str, str]:
    """The report words of ``language`` (``vi`` or ``en``)."""
    return WORDS["en" if language == "en" else "vi"]


def group_label(group: str, language: str = "vi") -> str:
    """A ranking group as people name it (``so`` → "Sở, ban, ngành"); other groups as given."""
    return LEVELS["en" if language == "en" else "vi"].get(group, group)
