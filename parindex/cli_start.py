"""Starting points: ``parindex init`` (a starter set), ``template`` (a submission
skeleton) and ``test`` (rule tests written as data)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from parindex.cli_support import csv_text, decimal_comma_option, echo_error, options, t
from parindex.cli_text import language, wrapped

__all__ = ["STARTER", "init_command", "template_command", "test_command"]

#: A commented starter commune set: levels, one criterion of each rule kind, a part that
#: does not apply to every commune, and provenance. It validates as written.
STARTER = """\
# Bộ tiêu chí khởi đầu cho cấp xã — sửa theo quyết định của tỉnh rồi chạy:
#   parindex validate {name}
# Mỗi số điểm, mỗi ngưỡng phải có nguồn (provenance). Số nào chưa có văn bản nêu
# thì ghi status: provisional và lý do; kết quả sẽ đếm số điểm dựa trên giá trị tạm tính.
# Số thập phân: viết "0,5" trong ngoặc kép (hoặc 0.5). Ngày: dd/mm/yyyy.
format: parindex.criteria/1
id: xa-mau-2025                 # mã của bộ; hồ sơ của đơn vị ghi lại mã này
title: "Bộ tiêu chí xác định Chỉ số CCHC cấp xã (mẫu)"
province: Tỉnh Mẫu
levels: [xa]                    # so: Sở, ban, ngành; huyen: UBND cấp huyện; xa: UBND cấp xã
year: 2025
sources:
  - {{id: qd-mau, title: "Quyết định ban hành bộ tiêu chí (điền số, ngày)", number: "…/QĐ-UBND"}}
total_max: 20
survey_max: 4
classification:
  - {{label: "Tốt", range: "từ 90% trở lên"}}
  - {{label: "Khá", range: "từ 80% đến dưới 90%"}}
  - {{label: "Trung bình", range: "dưới 80%"}}
# Mặc định cho mọi nút: chưa có nguồn nêu điểm số (sửa khi có quyết định).
provenance: {{status: provisional, rationale: "Bộ mẫu: số điểm minh họa, chưa có văn bản"}}
facts:                          # điều kiện áp dụng (có/không) của từng xã
  - {{name: co_tthc, label: "Xã có tiếp nhận hồ sơ thủ tục hành chính"}}
inputs:                         # số liệu mỗi xã báo cáo; tên viết thường, không dấu, nối bằng _
  - {{name: co_ke_hoach, type: yes_no, label: "Đã ban hành kế hoạch CCHC năm"}}
  - {{name: ngay_ke_hoach, type: date, label: "Ngày ban hành kế hoạch CCHC"}}
  - {{name: so_nhiem_vu_duoc_giao, type: count, label: "Số nhiệm vụ được giao"}}
  - {{name: so_nhiem_vu_hoan_thanh, type: count, label: "Số nhiệm vụ đã hoàn thành"}}
  - {{name: ho_so_tiep_nhan, type: count, unit: "hồ sơ", label: "Số hồ sơ TTHC tiếp nhận"}}
  - {{name: ho_so_dung_han, type: count, unit: "hồ sơ", label: "Số hồ sơ giải quyết đúng hạn"}}
  - {{name: ty_le_truc_tuyen, type: percent, unit: "%", label: "Tỷ lệ hồ sơ trực tuyến"}}
  - name: cap_khen_thuong
    type: enum
    label: "Cấp khen thưởng cao nhất về CCHC"
    choices: {{khong: "Không có", huyen: "Cấp huyện", tinh: "Cấp tỉnh"}}
  - {{name: so_vu_ky_luat, type: count, unit: "vụ", label: "Số cán bộ bị kỷ luật"}}
  - {{name: so_sang_kien, type: count, label: "Số sáng kiến được công nhận"}}
  - {{name: so_phan_anh_qua_han, type: count, label: "Số phản ánh trả lời quá hạn"}}
constraints:                    # quan hệ phải đúng giữa các số liệu
  - {{rule: "so_nhiem_vu_hoan_thanh <= so_nhiem_vu_duoc_giao", message: "Số hoàn thành không vượt số được giao"}}
  - {{rule: "ho_so_dung_han <= ho_so_tiep_nhan", message: "Số đúng hạn không vượt số tiếp nhận"}}
nodes:
  - code: "1"
    kind: area                  # area: lĩnh vực; criterion: tiêu chí; sub_criterion; item
    title: "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"
    max_points: 8
    children:
      - code: "1.1"
        kind: criterion
        title: "Ban hành kế hoạch CCHC năm"
        max_points: 1
        evidence: ["Kế hoạch CCHC năm"]          # tài liệu kiểm chứng cần có
        rule: {{kind: check, value: co_ke_hoach, text: "Có ban hành kế hoạch: 1 điểm; không: 0"}}
        provenance: {{status: stated, source: qd-mau}}   # điểm này có văn bản nêu
      - code: "1.2"
        kind: criterion
        title: "Kế hoạch ban hành đúng hạn"
        max_points: 1
        rule:
          kind: deadline          # nộp đúng ngày hạn vẫn là đúng hạn (inclusive: true)
          value: ngay_ke_hoach
          due: "31/12/2024"
          text: "Ban hành trước ngày 31/12 năm trước"
      - code: "1.3"
        kind: criterion
        title: "Mức độ hoàn thành nhiệm vụ"
        max_points: 3
        rule:
          kind: bands             # từng khoảng, ghi rõ mép: "từ … đến dưới …"
          # percent(a, b, 100): a ÷ b × 100; không được giao nhiệm vụ nào (b = 0) thì tính 100%
          value: percent(so_nhiem_vu_hoan_thanh, so_nhiem_vu_duoc_giao, 100)
          bands:
            - {{when: "100%", points: 3}}
            - {{when: "từ 80% đến dưới 100%", points: "1,5"}}
            - {{when: "dưới 80%", points: 0}}
          text: "Hoàn thành 100%: 3 điểm; từ 80% đến dưới 100%: 1,5 điểm; dưới 80%: 0. Không được giao nhiệm vụ nào: tính như 100%"
      - code: "1.4"
        kind: criterion
        title: "Khen thưởng về CCHC"
        max_points: 1
        rule:
          kind: levels
          value: cap_khen_thuong
          levels:
            - {{value: khong, points: 0}}
            - {{value: huyen, points: "0,5"}}
            - {{value: tinh, points: 1}}
      - code: "1.5"
        kind: criterion
        title: "Kỷ luật cán bộ"
        max_points: 1
        rule: {{kind: deduction, value: so_vu_ky_luat, per: "0,5", text: "Mỗi cán bộ bị kỷ luật trừ 0,5 điểm"}}
      - code: "1.6"
        kind: criterion
        title: "Sáng kiến CCHC (điểm thưởng)"
        max_points: 1
        rule: {{kind: bonus, value: "so_sang_kien * 0.5", text: "Mỗi sáng kiến cộng 0,5 điểm, tối đa 1"}}
      - code: "1.7"
        kind: criterion
        title: "Phản ánh trả lời quá hạn (điểm trừ)"
        max_points: 1
        rule: {{kind: penalty, value: "so_phan_anh_qua_han * 0.25", text: "Mỗi phản ánh quá hạn trừ 0,25 điểm, tối đa 1"}}
      - code: "1.8"
        kind: criterion
        title: "Xử lý hồ sơ (công thức riêng)"
        max_points: 1
        rule:
          kind: expression
          value: "1 if so_nhiem_vu_hoan_thanh >= so_nhiem_vu_duoc_giao else 0"
          text: "Hoàn thành mọi nhiệm vụ được giao: 1 điểm"
  - code: "2"
    kind: area
    title: "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
    max_points: 8
    applies_if: co_tthc        # xã không tiếp nhận hồ sơ: lĩnh vực không áp dụng, điểm tối đa giảm
    applicability_note: "Áp dụng đối với xã có tiếp nhận hồ sơ TTHC"
    children:
      - code: "2.1"
        kind: criterion
        title: "Tỷ lệ hồ sơ giải quyết đúng hạn"
        max_points: 4
        rule:
          kind: proportional      # điểm = tỷ lệ × điểm tối đa
          value: ratio(ho_so_dung_han, ho_so_tiep_nhan, 1)
          text: "Điểm = số hồ sơ đúng hạn ÷ số hồ sơ tiếp nhận × 4; không có hồ sơ: đủ điểm"
      - code: "2.2"
        kind: criterion
        title: "Tỷ lệ hồ sơ trực tuyến"
        max_points: 4
        rule:
          kind: threshold
          value: ty_le_truc_tuyen
          when: "từ 60% trở lên"
          text: "Từ 60% hồ sơ trực tuyến trở lên: 4 điểm; dưới 60%: 0"
  - code: "XHH"
    kind: area
    title: "ĐIỀU TRA XÃ HỘI HỌC"
    max_points: 4
    rule: {{kind: survey}}       # điểm do điều tra xã hội học, đơn vị không tự chấm
"""


@click.command("init")
@click.argument("file", type=click.Path())
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.\n---\nOverwrite an existing file.")
@options("text", "json")
def init_command(file: str, force: bool, fmt: str, lang: str) -> None:
    """Tạo bộ tiêu chí khởi đầu cho cấp xã, có chú thích, hợp lệ ngay.

    \b
    Ví dụ:
      parindex init bo-tieu-chi-xa.yaml
      parindex validate bo-tieu-chi-xa.yaml
    ---
    Write a commented starter criteria set for a commune, valid as written.

    \b
    Example:
      parindex init commune-criteria.yaml
      parindex validate commune-criteria.yaml
    """
    path = Path(file)
    if path.is_dir():
        raise click.BadParameter(
            t(f"{file} là thư mục; đặt tên tệp .yaml", f"{file} is a directory; name a .yaml file")
        )
    if path.exists() and not force:
        raise click.UsageError(
            t(f"{file} đã có; thêm --force để ghi đè", f"{file} exists; add --force to overwrite")
        )
    path.write_text(STARTER.format(name=path.name), encoding="utf-8")
    if fmt == "json":
        click.echo(json.dumps({"file": str(path)}, ensure_ascii=False))
        return
    click.echo(
        wrapped(
            t(
                f"Đã ghi bộ tiêu chí mẫu vào {path}. Tiếp theo: parindex validate {path}",
                f"Wrote a starter criteria set to {path}. Next: parindex validate {path}",
            )
        )
    )


def _skeleton(criteria: Any) -> str:
    """A submission skeleton naming every fact, input, evidence slot and self-score."""
    from parindex.messages import label
    from parindex.rules import kind_of

    levels = "; ".join(f"{lv.value}: {label('level', lv)}" for lv in criteria.levels)
    lines = [
        f"# Hồ sơ tự đánh giá theo bộ {criteria.id} ({criteria.title}).",
        "# Điền số liệu sau dấu hai chấm; để trống (null) nếu chưa có — không bao giờ ghi 0",
        '# thay cho "chưa có". Số: 1.250.000 hoặc 1250000; thập phân "0,5". Ngày: dd/mm/yyyy.',
        "format: parindex.submission/1",
        f"criteria: {criteria.id}",
        f"year: {criteria.year}",
        "unit:",
        "  id: ma-don-vi              # mã ngắn, không dấu",
        '  name: "Tên đơn vị"',
        f"  level: {criteria.levels[0].value}                 # {levels}",
        "  facts:",
    ]
    lines += [
        f"    {fact.name}: true          # true (có) hoặc false (không) — {fact.label}"
        for fact in criteria.facts
    ]
    if not criteria.facts:
        lines[-1] = "  facts: {}"
    lines.append("values:")
    for item in criteria.inputs:
        kind = label("input_type", item.type)
        extra = f", {item.unit}" if item.unit else ""
        if item.choices:
            extra += "; chọn: " + ", ".join(f"{k} ({v})" for k, v in item.choices.items())
        lines.append(f"  {item.name}: null          # {item.label} ({kind}{extra})")
    lines.append("documents:                  # tài liệu kiểm chứng (TLKC), mỗi tài liệu một dòng")
    for node in criteria.walk():
        for expected in getattr(node, "evidence", None) or []:
            lines.append(
                f'  # - {{id: tlkc-{node.code}, title: "{expected}", number: "", '
                f'date: "", supports: ["{node.code}"]}}'
            )
    lines.append("  []")
    lines.append("self_scores:                # điểm tự chấm: mã: {points: …, explanation: …}")
    for node in criteria.walk():
        if node.rule is not None and not kind_of(node.rule).given:  # not the survey's
            lines.append(f'  # "{node.code}": {{points: null}}   # {node.title}')
    lines.append("  {}")
    return "\n".join(lines) + "\n"


@click.command("template")
@click.argument("criteria_file", type=click.Path())
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default=None,
    help="Tệp ghi ra (.yaml).\n---\nThe file to write (.yaml).",
)
@options("text", "json")
def template_command(criteria_file: str, output: str | None, fmt: str, lang: str) -> None:
    """Viết khung hồ sơ tự đánh giá của một bộ tiêu chí: mọi số liệu, tài liệu, điểm tự chấm.

    Không có -o: in ra màn hình.

    \b
    Ví dụ:
      parindex template bo-tieu-chi-xa.yaml -o ho-so-xa.yaml
    ---
    Write a submission skeleton for a criteria set: every figure, document and self-score.

    Without -o: print it.

    \b
    Example:
      parindex template commune-criteria.yaml -o commune-submission.yaml
    """
    from parindex.cli_support import check_order
    from parindex.loader import load_criteria

    check_order(criteria_file, ())
    criteria = load_criteria(criteria_file)
    skeleton = _skeleton(criteria)
    if output is None:
        click.echo(skeleton, nl=False)
        return
    path = Path(output)
    if path.is_dir():
        raise click.BadParameter(
            t(f"{output} là thư mục; đặt tên tệp .yaml", f"{output} is a directory"),
            param_hint="-o",
        )
    path.write_text(skeleton, encoding="utf-8")
    if fmt == "json":
        click.echo(json.dumps({"file": str(path)}, ensure_ascii=False))
    else:
        click.echo(
            wrapped(t(f"Đã ghi khung hồ sơ vào {path}", f"Wrote a submission skeleton to {path}"))
        )


@click.command("test")
@click.argument("case_files", nargs=-1, required=True, type=click.Path())
@options("text", "json", "csv")
@decimal_comma_option
def test_command(case_files: tuple[str, ...], fmt: str, lang: str, decimal_comma: bool) -> None:
    """Chạy các ca kiểm thử quy tắc viết bằng dữ liệu (số liệu vào, điểm mong đợi).

    \b
    Ví dụ:
      parindex test tests/golden/*.yaml
    ---
    Run rule tests written as data (figures in, expected points out).

    \b
    Example:
      parindex test tests/golden/*.yaml
    """
    from parindex.cases import CaseError, CaseResult, run_cases

    results: list[tuple[str, CaseResult]] = []
    broken = 0
    for file in case_files:
        try:
            results += [(file, r) for r in run_cases(file)]
        except CaseError as exc:
            echo_error(exc.describe(language()))
            broken += 1
    failed = [r for _, r in results if not r.passed]
    if fmt == "json":
        payload = [
            {
                "file": f,
                "case": r.name,
                "checks": r.checks,
                "passed": r.passed,
                "failures": [p.to_dict() for p in r.failures],
            }
            for f, r in results
        ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        verdicts = (t("đạt", "passed"), t("không đạt", "failed"))
        rows = [[f, r.name, r.checks, verdicts[0 if r.passed else 1]] for f, r in results]
        header = t("Tệp|Ca|Số kiểm tra|Kết quả", "File|Case|Checks|Result").split("|")
        sys.stdout.buffer.write(csv_text(header, rows, decimal_comma).encode("utf-8"))
    else:
        for file, result in results:
            mark = t("đạt", "passed") if result.passed else t("KHÔNG ĐẠT", "FAILED")
            click.echo(
                f"{mark}: {file} — {result.name} ({result.checks} {t('kiểm tra', 'checks')})"
            )
            for problem in result.failures:
                click.echo("    " + problem.describe(lang))
        click.echo(
            t(
                f"{len(results) - len(failed)}/{len(results)} ca đạt",
                f"{len(results) - len(failed)}/{len(results)} cases passed",
            )
        )
    if failed or broken:
        sys.exit(1)
