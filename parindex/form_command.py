"""``parindex form``: the self-assessment form units fill in Excel (:mod:`parindex.form`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from parindex.cli_support import language_option, problems_listed
from parindex.cli_text import wrapped

if TYPE_CHECKING:
    from parindex.criteria import CriteriaSet
    from parindex.submission import Submission

__all__ = ["form_command"]


@click.command("form")
@click.argument("criteria_file", type=click.Path())
@click.argument("submissions", nargs=-1, type=click.Path())
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    help="Tệp biểu mẫu ghi ra (.xlsx).\n---\nThe form to write (.xlsx).",
)
@language_option()
@click.option(
    "--appraisal",
    is_flag=True,
    help="Biểu mẫu của Tổ thẩm định: mở ô thẩm định vòng 1, vòng 2 (biểu mẫu của đơn vị khóa "
    "các ô này).\n---\nThe appraisers' form: round 1 and 2 cells open (a unit's form keeps "
    "them locked).",
)
@click.option(
    "--last-year",
    type=click.Path(),
    help="Hồ sơ năm trước để điền sẵn đơn vị, thông tin, TLKC (cần --mapping).\n---\n"
    "Last year's submission to prefill the unit, facts and evidence from (needs --mapping).",
)
@click.option(
    "--mapping",
    type=click.Path(),
    help="Tệp đối chiếu mã năm trước → năm nay (criteria/mappings/).\n---\n"
    "The code mapping from last year's set to this year's (criteria/mappings/).",
)
def form_command(
    criteria_file: str,
    submissions: tuple[str, ...],
    output: str,
    lang: str,
    appraisal: bool,
    last_year: str | None,
    mapping: str | None,
) -> None:
    """Biểu mẫu tự đánh giá Excel cho đơn vị điền: điểm tự tính khi nhập.

    Không có hồ sơ: một trang trống. Có hồ sơ (tệp hoặc thư mục): mỗi đơn vị một trang,
    điền sẵn số liệu, TLKC, điểm tự đánh giá và điểm thẩm định đã có. Nhập lại bằng
    `parindex import`.

    \b
    Ví dụ:
      parindex form criteria/namdinh-stnmt-2023.yaml -o bieu-mau.xlsx
      parindex form criteria/namdinh-stnmt-2023.yaml \\
        evidence/so-tnmt-mau-2023.yaml -o so-tnmt.xlsx
      parindex form criteria/namdinh-stnmt-2023.yaml ho-so/ --appraisal \\
        -o tham-dinh.xlsx
      parindex form criteria/namdinh-stnmt-2023.yaml \\
        --last-year evidence/so-tnmt-mau-2021.yaml \\
        --mapping \\
        criteria/mappings/quangbinh-stnmt-2021--namdinh-stnmt-2023.yaml \\
        -o so-tnmt.xlsx

    Với --last-year: chép đơn vị, thông tin về đơn vị, TLKC (chuyển mã qua tệp đối chiếu) và
    chỉ những số liệu cùng tên, cùng kiểu ở tiêu chí tương ứng chắc chắn; không chép ngày,
    điểm tự đánh giá, điều tra, thẩm định. Số liệu năm nay do đơn vị nhập.
    ---
    The self-assessment form units fill in Excel: points computed as they type.

    No submission: one blank sheet. With submissions (files or folders): one sheet per
    unit, filled with its figures, evidence, own scores and the appraised scores so far.
    Read back with `parindex import`.

    \b
    Example:
      parindex form criteria/namdinh-stnmt-2023.yaml -o form.xlsx
      parindex form criteria/namdinh-stnmt-2023.yaml \\
        evidence/so-tnmt-mau-2023.yaml -o so-tnmt.xlsx
      parindex form criteria/namdinh-stnmt-2023.yaml submissions/ --appraisal \\
        -o appraisal.xlsx

    With --last-year: copies the unit, its facts, the evidence (codes moved through the
    mapping) and only figures of the same name and type under criteria matched exact or
    renamed; never dates, self-scores, survey results or appraisals.
    """
    from parindex.cli_support import user_errors

    user_errors(_form)(criteria_file, submissions, output, lang, appraisal, last_year, mapping)


def _form(
    criteria_file: str,
    paths: tuple[str, ...],
    output: str,
    lang: str,
    appraisal: bool,
    last_year: str | None = None,
    mapping: str | None = None,
) -> None:
    from parindex.errors import ParindexError
    from parindex.form import write_form
    from parindex.loader import load_criteria
    from parindex.report_command import read_submissions

    if not output.lower().endswith(".xlsx"):
        raise ParindexError(
            f"tệp biểu mẫu phải có đuôi .xlsx: {output}"
            if lang == "vi"
            else f"the form file must end in .xlsx: {output}"
        )
    criteria = load_criteria(criteria_file)
    units: list[Submission] = []
    if last_year is not None or mapping is not None:
        units.append(_from_last_year(criteria, last_year, mapping, lang))
    if paths:
        found, problems = read_submissions(paths, criteria)
        units.extend(found)
        if problems:
            click.echo(problems_listed(None, problems, lang), err=True)
        if not found:
            raise ParindexError(
                f"không có hồ sơ nào của bộ {criteria.id}"
                if lang == "vi"
                else f"no submission of the set {criteria.id}"
            )
    try:
        target = write_form(criteria, units, Path(output), language=lang, appraisal=appraisal)
    except ValueError as exc:
        raise ParindexError(str(exc)) from None
    if lang == "en":
        what = f"{len(units)} unit{'s' if len(units) > 1 else ''}" if units else "a blank sheet"
        click.echo(wrapped(f"Wrote the self-assessment form ({what}) to {target}"))
    else:
        what = f"{len(units)} đơn vị" if units else "một trang trống"
        click.echo(wrapped(f"Đã ghi biểu mẫu tự đánh giá ({what}) vào {target}"))


def _from_last_year(
    criteria: CriteriaSet, last_year: str | None, mapping_file: str | None, lang: str
) -> Submission:
    """This year's submission carried from last year's (:mod:`parindex.form_carry`), its
    notes printed; checked against this year's set like any submission."""
    from parindex.errors import ParindexError
    from parindex.form_carry import carry_forward
    from parindex.mapping import _find_set, load_mapping
    from parindex.submission import check_submission, load_submission

    if last_year is None or mapping_file is None:
        raise ParindexError(
            "--last-year và --mapping phải đi cùng nhau"
            if lang == "vi"
            else "--last-year and --mapping go together"
        )
    code_mapping = load_mapping(mapping_file, criteria)
    if code_mapping.new_set != criteria.id:
        raise ParindexError(
            f"{mapping_file}: tệp đối chiếu đi tới bộ {code_mapping.new_set}, không phải "
            f"{criteria.id}"
            if lang == "vi"
            else f"{mapping_file}: the mapping goes to set {code_mapping.new_set}, not "
            f"{criteria.id}"
        )
    # load_mapping has found the old set (else it raised): the same search gives it here
    old_criteria = _find_set(code_mapping.old_set, Path(mapping_file).resolve().parent, {})
    assert old_criteria is not None
    old = load_submission(last_year, old_criteria)
    if old.criteria != code_mapping.old_set:
        raise ParindexError(
            f"{last_year}: hồ sơ theo bộ {old.criteria}, tệp đối chiếu đi từ bộ "
            f"{code_mapping.old_set}"
            if lang == "vi"
            else f"{last_year}: the submission is of set {old.criteria}, the mapping goes "
            f"from set {code_mapping.old_set}"
        )
    carried, notes = carry_forward(old, code_mapping, criteria, old_criteria, language=lang)
    check_submission(criteria, carried)
    for note in notes:
        click.echo(("Lưu ý: " if lang == "vi" else "Note: ") + note, err=True)
    return carried
