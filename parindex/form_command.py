"""``parindex form``: the self-assessment form units fill in Excel (:mod:`parindex.form`)."""

from __future__ import annotations

from pathlib import Path

import click

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
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    help="Ngôn ngữ: vi (tiếng Việt) hoặc en (tiếng Anh).\n---\nLanguage: vi (Vietnamese) or en.",
)
@click.option(
    "--appraisal",
    is_flag=True,
    help="Biểu mẫu của Tổ thẩm định: mở ô thẩm định vòng 1, vòng 2 (biểu mẫu của đơn vị khóa "
    "các ô này).\n---\nThe appraisers' form: round 1 and 2 cells open (a unit's form keeps "
    "them locked).",
)
def form_command(
    criteria_file: str, submissions: tuple[str, ...], output: str, lang: str, appraisal: bool
) -> None:
    """Biểu mẫu tự đánh giá Excel cho đơn vị điền: điểm tự tính khi nhập.

    Không có hồ sơ: một trang trống. Có hồ sơ (tệp hoặc thư mục): mỗi đơn vị một trang,
    điền sẵn số liệu, TLKC, điểm tự đánh giá và điểm thẩm định đã có. Nhập lại bằng
    `parindex import`.

    \b
    Ví dụ:
      parindex form criteria/namdinh-stnmt-2023.yaml -o bieu-mau.xlsx
      parindex form criteria/namdinh-stnmt-2023.yaml evidence/so-tnmt-mau-2023.yaml -o so-tnmt.xlsx
      parindex form criteria/namdinh-stnmt-2023.yaml ho-so/ --appraisal -o tham-dinh.xlsx
    ---
    The self-assessment form units fill in Excel: points computed as they type.

    No submission: one blank sheet. With submissions (files or folders): one sheet per
    unit, filled with its figures, evidence, own scores and the appraised scores so far.
    Read back with `parindex import`.

    \b
    Example:
      parindex form criteria/namdinh-stnmt-2023.yaml -o form.xlsx
      parindex form criteria/namdinh-stnmt-2023.yaml evidence/so-tnmt-mau-2023.yaml -o so-tnmt.xlsx
      parindex form criteria/namdinh-stnmt-2023.yaml submissions/ --appraisal -o appraisal.xlsx
    """
    from parindex.cli_support import user_errors

    user_errors(_form)(criteria_file, submissions, output, lang, appraisal)


def _form(
    criteria_file: str, paths: tuple[str, ...], output: str, lang: str, appraisal: bool
) -> None:
    from parindex.errors import ParindexError
    from parindex.form import write_form
    from parindex.loader import load_criteria
    from parindex.report_command import read_submissions
    from parindex.submission import Submission

    if not output.lower().endswith(".xlsx"):
        raise ParindexError(
            f"tệp biểu mẫu phải có đuôi .xlsx: {output}"
            if lang == "vi"
            else f"the form file must end in .xlsx: {output}"
        )
    criteria = load_criteria(criteria_file)
    units: list[Submission] = []
    if paths:
        units, problems = read_submissions(paths, criteria)
        for problem in problems:
            click.echo(problem.describe(lang), err=True)
        if not units:
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
        click.echo(f"Wrote the self-assessment form ({what}) to {target}")
    else:
        what = f"{len(units)} đơn vị" if units else "một trang trống"
        click.echo(f"Đã ghi biểu mẫu tự đánh giá ({what}) vào {target}")
