"""`vanphong eval`: an evaluator's year-end path — period scores, classification, titles, report."""
import base64
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from shared.cli.calls import call_or_exit


console = Console()
err = Console(stderr=True)

LEVEL_NAMES = {"HTXSNV": "Hoàn thành xuất sắc nhiệm vụ", "HTTNV": "Hoàn thành tốt nhiệm vụ",
               "HTNV": "Hoàn thành nhiệm vụ", "KHTNV": "Không hoàn thành nhiệm vụ"}
TOKEN = click.option("--token", envvar="VANPHONG_TOKEN", required=True,
                     help="JWT (or VANPHONG_TOKEN).")
AS_JSON = click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")


def evaluation(method, token, timeout=120, **kwargs):
    return call_or_exit("evaluation", method, kwargs, token, timeout)


def number(value):
    return "" if value is None else f"{value:g}"


def level(code):
    return LEVEL_NAMES.get(code, code or "")


def dump(data):
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group("eval")
def eval_group():
    """Đánh giá, xếp loại, thi đua khen thưởng (evaluation)."""


@eval_group.command()
@click.option("--period", required=True, help="Month YYYY-MM or quarter YYYY-Qn.")
@TOKEN
@AS_JSON
def scores(period, token, as_json):
    """Period scores of the office: quantity, quality, progress, points, provisional level."""
    result = evaluation("period_scores", token, period=period)
    if as_json:
        return dump(result)
    table = Table(title=f"KẾT QUẢ THEO DÕI, ĐÁNH GIÁ KỲ {result['period']}", show_lines=False)
    for heading in ("Mã", "Họ và tên", "Đơn vị", "Số SP", "Số lượng (%)", "Chất lượng (%)",
                    "Tiến độ (%)", "Điểm nhiệm vụ (/70)", "Tiêu chí chung (/30)", "Tổng điểm",
                    "Xếp loại tạm tính"):
        table.add_column(heading, overflow="fold")
    for row in result["staff"]:
        table.add_row(row["staff_id"], row["full_name"], row["unit_code"] or "",
                      str(row["products"]), number(row["quantity_pct"]),
                      number(row["quality_pct"]), number(row["progress_pct"]),
                      number(row["task_points"]), number(row["general_points"]),
                      number(row["total"]), level(row["provisional_level"]))
    console.print(table)
    console.print(f"Quy định áp dụng: {result['rule_set']}; {len(result['staff'])} người có sản phẩm.")


def print_classification(result):
    table = Table(title=f"XẾP LOẠI CHẤT LƯỢNG NĂM {result['year']} "
                        f"({'đã công bố' if result['status'] == 'published' else 'dự thảo'})")
    for heading in ("Mã", "Họ và tên", "Đơn vị", "Nhóm", "Điểm năm", "Theo điểm", "Xếp loại",
                    "Điều chỉnh"):
        table.add_column(heading, overflow="fold")
    for entry in result["entries"]:
        changes = "; ".join(a["text"] for a in entry["adjustments"])
        table.add_row(entry["staff_id"], entry["full_name"], entry["unit_code"] or "",
                      entry["task_group"], number(entry["score"]),
                      level(entry["provisional_level"]),
                      level(entry["level"]) + (" (chờ Hội đồng)" if entry["council_pending"] else ""),
                      changes)
    console.print(table)
    for quota in result["quota"]:
        console.print(f"Tỷ lệ HTXSNV nhóm {quota['group']}: {quota['rate']} → tối đa "
                      f"{quota['allowed']} / {quota['excellent_count']} đề xuất.")
    for staff_id, problems in (result.get("blockers") or {}).items():
        console.print(f"[yellow]Chưa thể công bố[/]: {staff_id}: {'; '.join(problems)}")


@eval_group.command()
@click.option("--year", type=int, required=True)
@click.option("--show", is_flag=True, help="Show the stored classification without recomputing.")
@TOKEN
@AS_JSON
def classify(year, show, token, as_json):
    """Compute (or show) the year's classification: score, level, quota, each adjustment's reason."""
    result = evaluation("get_classification" if show else "classify_year", token, year=year)
    if as_json:
        return dump(result)
    print_classification(result)


@eval_group.command()
@click.option("--year", type=int, required=True)
@TOKEN
def publish(year, token):
    """Publish the year's classification (evaluator or leader)."""
    result = evaluation("publish_classification", token, year=year)
    print_classification(result)


@eval_group.command()
@click.argument("staff_id")
@click.option("--period", help="Month YYYY-MM or quarter YYYY-Qn.")
@click.option("--year", type=int)
@TOKEN
def explain(staff_id, period, year, token):
    """Why a score or a level is what it is: the tasks and rules behind it."""
    kwargs = {"staff_id": staff_id, **({"period": period} if period else {}),
              **({"year": year} if year else {})}
    dump(evaluation("explain", token, **kwargs))


@eval_group.command()
@click.option("--year", type=int, required=True)
@TOKEN
@AS_JSON
def titles(year, token, as_json):
    """Propose emulation titles: each candidate with the criteria met and missed."""
    result = evaluation("propose_titles", token, year=year)
    if as_json:
        return dump(result)
    table = Table(title=f"ĐỀ XUẤT DANH HIỆU THI ĐUA NĂM {year}")
    for heading in ("Danh hiệu", "Cá nhân / tập thể", "Đạt", "Tiêu chuẩn chưa đạt", "Biểu quyết"):
        table.add_column(heading, overflow="fold")
    for row in result:
        missed = "; ".join(c["text"] for c in row["criteria"] if not c["met"])
        ballot = ""
        if row["needs_ballot"]:
            ballot = (f"{row['votes_for']}/{row['council_members']}" if row["council_members"]
                      else f"cần ≥ {row['threshold'] * 100:g} %")
        table.add_row(row["title"], row["name"], "có" if row["eligible"] else "không", missed, ballot)
    console.print(table)


@eval_group.command()
@click.option("--year", type=int, required=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the report as .docx to this file.")
@TOKEN
def report(year, output, token):
    """The year's emulation report (counts as in Báo cáo thi đua), on screen or as .docx."""
    if output:
        result = evaluation("emulation_report", token, year=year, format="docx")
        Path(output).write_bytes(base64.b64decode(result["data"]))
        console.print(f"Đã ghi {output}: {result['summary']}")
        return
    result = evaluation("emulation_report", token, year=year)
    table = Table(title=f"KẾT QUẢ THI ĐUA, KHEN THƯỞNG NĂM {year}")
    table.add_column("Danh hiệu, hình thức")
    table.add_column("Số lượng", justify="right")
    names = {"lao_dong_tien_tien": "Lao động tiên tiến",
             "chien_si_thi_dua_co_so": "Chiến sĩ thi đua cơ sở",
             "chien_si_thi_dua_cap_tinh": "Chiến sĩ thi đua cấp tỉnh",
             "giay_khen": "Giấy khen", "bang_khen": "Bằng khen",
             "tap_the_lao_dong_tien_tien": "Tập thể lao động tiên tiến",
             "tap_the_lao_dong_xuat_sac": "Tập thể lao động xuất sắc"}
    for key, count in result["counts"].items():
        table.add_row(names[key], f"{count:02d}")
    console.print(table)
    console.print(result["summary"])
