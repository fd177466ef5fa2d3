"""The whole 2023 set (``namdinh-stnmt-2023``) written by hand in numpy: the practical limit.

What an analyst who knows numpy would write for this one set: every leaf as a column
operation on the inputs frame (points in hundredths, int64), the tree as plain sums,
no error bounds, no missing values (the benchmark's units have none), no explanations.
It knows nothing of parindex but the frame's column names. ``total`` must equal
``score_many``'s total for every unit (the benchmark asserts it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

# Yes/no leaves (and two comparisons): the input and the points in hundredths.
CHECKS = {
    "1.3.2": ("da_xu_ly_van_de_sau_kiem_tra_cchc", 50),
    "1.4.1.a": ("gan_cchc_voi_thi_dua_khen_thuong", 50),
    "1.4.3.a": ("co_tuyen_truyen_cchc_tren_trang_ttdt", 50),
    "1.4.3.b": ("co_tuyen_truyen_cchc_hinh_thuc_khac", 50),
    "2.1.1": ("da_ra_soat_he_thong_hoa_vb_qppl", 50),
    "2.1.2": ("da_xu_ly_vb_qppl_sau_ra_soat", 50),
    "2.2.2.a": ("vbhc_dung_tham_quyen", 50),
    "2.2.2.b": ("vbhc_dung_the_thuc_loai_van_ban", 25),
    "2.2.2.c": ("vbhc_dung_noi_dung", 25),
    "2.3.2": ("trien_khai_theo_doi_thi_hanh_phap_luat", 75),
    "2.3.3": ("xu_ly_sau_theo_doi_thi_hanh_phap_luat", 50),
    "2.4.1.b": ("to_chuc_thuc_hien_ke_hoach_pbgdpl", 25),
    "2.4.2.a": ("dang_tai_thong_tin_phap_luat", 25),
    "2.4.2.b": ("pbgdpl_cho_cbccvc", 25),
    "2.4.2.c": ("truyen_thong_chinh_sach_phap_luat_moi", 25),
    "3.1.2": ("xu_ly_van_de_sau_ra_soat_tthc", 100),
    "3.3.a": ("cong_bo_tthc_dung_quy_dinh", 50),
    "3.3.b": ("cong_bo_tthc_kip_thoi_du_so_luong", 50),
    "3.4.1": ("cong_khai_tthc_tren_cong_ttdt", 100),
    "3.4.2": ("cong_khai_tthc_tren_dichvucong", 100),
    "3.5.1": ("xu_ly_pakn_dung_quy_dinh", 100),
    "3.5.2": ("cong_khai_ket_qua_tra_loi_pakn", 100),
    "3.6.1": ("dung_quy_trinh_giai_quyet_tthc", 100),
    "3.7.1": ("quy_trinh_noi_bo_tren_mot_cua_dien_tu", 50),
    "3.7.2": ("ap_dung_mot_cua_dien_tu", 50),
    "3.7.3": ("dang_tai_trang_thai_ho_so_dung_quy_dinh", 50),
    "3.7.4": ("mot_cua_dien_tu_lien_thong", 50),
    "3.9": ("danh_gia_chat_luong_giai_quyet_tthc", 100),
    "4.1.1.a": ("co_qd_chuc_nang_nhiem_vu_co_quan_dvsncl", 25),
    "4.1.1.b": ("co_qd_chuc_nang_nhiem_vu_phong_chuyen_mon", 25),
    "4.1.2": ("sap_xep_to_chuc_ben_trong", 50),
    "4.1.4": ("so_cap_pho_phong_dung_quy_dinh", 50),
    "4.2.1": ("co_van_ban_phan_bo_bien_che", 50),
    "4.2.2": ("phan_bo_bien_che_dung_quy_dinh", 50),
    "4.3": ("su_dung_bien_che_dung_quy_dinh", 50),
    "4.5.1": ("co_qd_phan_cap", 50),
    "4.5.2": ("thuc_hien_nhiem_vu_phan_cap", 50),
    "5.1.1": ("cap_nhat_quy_dinh_vi_tri_viec_lam", 50),
    "5.2.2": ("bo_tri_vien_chuc_moi_dung_vtvl", 50),
    "5.3.2": ("co_qd_cu_di_dao_tao_boi_duong", 50),
    "5.4.1": ("danh_gia_xep_loai_dung_trinh_tu", 50),
    "5.4.2.a": ("ket_qua_danh_gia_ccvc_dung_quy_dinh", 100),
    "5.6": ("bo_nhiem_lanh_dao_dung_quy_dinh", 100),
    "5.7.2": ("cong_khai_ke_hoach_chuyen_doi", 50),
    "5.7.3": ("thuc_hien_ke_hoach_chuyen_doi", 50),
    "6.1.2": ("thuc_hien_kien_nghi_thanh_tra_kiem_toan", 50),
    "6.2.1": ("cong_khai_du_toan_2023", 50),
    "6.2.2": ("cong_khai_thuc_hien_du_toan_2023", 50),
    "6.2.3": ("cong_khai_quyet_toan_2022", 50),
    "6.3.1": ("co_quy_che_quan_ly_tai_san_cong", 50),
    "6.3.2": ("bao_cao_tai_san_cong_dung_quy_dinh", 50),
    "6.3.3": ("kiem_tra_quan_ly_tai_san_cong", 50),
    "7.1.2": ("thuc_hien_ke_hoach_chinh_quyen_so", 100),
    "7.2.4": ("tra_ket_qua_dien_tu", 50),
    "7.2.5": ("su_dung_ma_dinh_danh_dien_tu", 50),
    "7.3.2.b": ("cap_nhat_danh_muc_ho_so_len_phan_mem", 50),
    "7.3.2.d": ("nop_ho_so_dien_tu_vao_luu_tru", 50),
    "7.3.3": ("xu_ly_van_ban_tren_moi_truong_mang", 100),
    "7.3.4": ("ung_dung_chu_ky_so", 100),
    "7.3.5.a": ("ung_dung_he_thong_bao_cao_cap_tinh", 50),
    "7.3.5.b": ("cap_nhat_so_lieu_he_thong_bao_cao", 50),
    "7.4.1": ("trang_ttdt_du_noi_dung", 50),
    "7.4.2": ("trang_ttdt_ap_dung_giai_phap_attt", 50),
    "7.4.3": ("trang_ttdt_dang_tin_thuong_xuyen", 50),
    "7.4.4": ("trang_ttdt_cap_nhat_vb_qppl", 50),
}
# Checks that apply only to units with public service units (co_dvsncl).
DVSNCL_CHECKS = {
    "4.1.3": ("sap_xep_dvsncl", 50),
    "4.4.1": ("so_cap_pho_dvsncl_dung_quy_dinh", 50),
    "4.4.2": ("so_nguoi_lam_viec_dvsncl_dung_quy_dinh", 50),
    "4.4.3": ("so_nguoi_huong_luong_nsnn_khong_vuot", 50),
    "5.2.1": ("tuyen_dung_vien_chuc_dung_quy_dinh", 50),
    "6.4.3": ("phan_phoi_ket_qua_tai_chinh_dung_quy_dinh", 50),
}
# Single deadlines (inclusive): input, due date, points.
DEADLINES = {
    "1.1": ("ngay_ban_hanh_ke_hoach_cchc", dt.date(2022, 12, 31), 100),
    "1.4.1.b": ("ngay_ban_hanh_ke_hoach_thi_dua_cchc", dt.date(2023, 1, 31), 50),
    "2.3.1": ("ngay_ban_hanh_ke_hoach_theo_doi_thi_hanh_phap_luat", dt.date(2023, 1, 31), 50),
    "2.4.1.a": ("ngay_ban_hanh_ke_hoach_pbgdpl", dt.date(2022, 12, 31), 25),
    "3.1.1": ("ngay_ban_hanh_ke_hoach_ra_soat_tthc", dt.date(2023, 1, 15), 100),
    "5.7.1": ("ngay_ban_hanh_ke_hoach_chuyen_doi_vi_tri", dt.date(2023, 3, 31), 50),
    "7.1.1": ("ngay_ban_hanh_ke_hoach_chinh_quyen_so", dt.date(2022, 12, 31), 100),
    "7.3.2.a": ("ngay_ban_hanh_danh_muc_ho_so", dt.date(2023, 1, 31), 50),
}
QUARTERLY = {  # four reports, all on time (by day 15 or 18 of each quarter's last month)
    "1.2.a": (
        ("cchc_quy_1", "cchc_6_thang", "cchc_quy_3", "cchc_nam"),
        15,
        100,
    ),
    "3.2": (("ktthc_quy_1", "ktthc_quy_2", "ktthc_quy_3", "ktthc_nam"), 18, 100),
}
_EPOCH = dt.date(1970, 1, 1)
_ZERO = _EPOCH.toordinal()


def _days(cells: list[Any]) -> Floats:
    """Dates as day numbers since 1970, in one pass; NaN for a report given as not done."""
    date, nan = dt.date, np.nan
    return np.array(
        [c.toordinal() - _ZERO if c.__class__ is date else nan for c in cells], dtype=np.float64
    )


def columns(frame: Any) -> dict[str, Any]:
    """The frame's columns as numpy arrays: booleans, floats, dates as day numbers (NaN: not done)."""
    out: dict[str, Any] = {}
    for name in frame.columns:
        series = frame[name]
        kind = str(series.dtype)
        if kind in ("boolean", "bool"):
            out[name] = series.to_numpy(dtype=bool, na_value=False)
        elif kind == "float64":
            out[name] = series.to_numpy()
        elif name.startswith("ngay_"):
            out[name] = _days(series.tolist())
        else:
            out[name] = series.to_numpy(dtype=object)
    return out


def _percent(a: Floats, b: Floats, when_zero: float) -> Floats:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, when_zero, a * 100 / np.where(b == 0, 1, b))


def _half_up(hundredths: Floats) -> Ints:
    return np.floor(hundredths + 0.5 + 1e-9).astype(np.int64)


def _bands(value: Floats, edges: list[tuple[float, int]]) -> Ints:
    """Points of the first band whose lower edge (inclusive) the value reaches."""
    points = np.zeros(len(value), dtype=np.int64)
    for edge, score in reversed(edges):
        points = np.where(value >= edge, score, points)
    return points


def _on_time(c: dict[str, Any], name: str, due: dt.date) -> npt.NDArray[np.bool_]:
    with np.errstate(invalid="ignore"):
        return np.asarray(c[name] <= (due - _EPOCH).days)


def leaves(c: dict[str, Any]) -> dict[str, Ints]:
    """Every rule-scored leaf's points in hundredths (before applicability)."""
    p: dict[str, Ints] = {}
    for code, (name, points) in {**CHECKS, **DVSNCL_CHECKS}.items():
        p[code] = np.where(c[name], points, 0)
    p["5.5.a"] = np.where(c["so_cong_chuc_bi_ky_luat"] == 0, 50, 0)
    p["5.5.b"] = np.where(c["so_vien_chuc_bi_ky_luat"] == 0, 50, 0)
    for code, a, b in (
        (
            "6.4.1",
            "so_dvsncl_tu_bao_dam_chi_tx_nam_danh_gia",
            "so_dvsncl_tu_bao_dam_chi_tx_nam_truoc",
        ),
        (
            "6.4.2",
            "so_dvsncl_tu_bao_dam_mot_phan_nam_danh_gia",
            "so_dvsncl_tu_bao_dam_mot_phan_nam_truoc",
        ),
    ):
        p[code] = np.where(c[a] > c[b], 50, 0)
    for code, (name, due, points) in DEADLINES.items():
        p[code] = np.where(_on_time(c, name, due), points, 0)
    for code, (names, day, points) in QUARTERLY.items():
        met = np.ones(len(c["unit"]), dtype=bool)
        for month, name in zip((3, 6, 9, 12), names, strict=True):
            met &= _on_time(c, "ngay_gui_bao_cao_" + name, dt.date(2023, month, day))
        p[code] = np.where(met, points, 0)
    p["1.4.2"] = np.maximum.reduce(
        [
            np.where(c["co_sang_kien_cap_co_so"], 50, 0),
            np.where(c["co_sang_kien_cap_so_nganh"], 75, 0),
            np.where(c["co_sang_kien_cap_bo_tinh"], 100, 0),
        ]
    )
    p["1.3.1"] = np.where(
        _percent(c["so_don_vi_duoc_kiem_tra"], c["so_don_vi_truc_thuoc"], 0) > 30, 100, 0
    )
    tasks = _percent(c["so_nhiem_vu_hoan_thanh"], c["so_nhiem_vu_duoc_giao"], 100)
    p["1.5"] = _bands(tasks, [(100, 150), (80, 75)])
    p["2.2.1"] = (
        np.where(c["qppl_dung_tham_quyen"], 50, 0)
        + np.where(c["qppl_dung_the_thuc_loai_van_ban"], 25, 0)
        + np.where(c["qppl_dung_noi_dung"], 25, 0)
    )
    solved = c["ho_so_truoc_han"] + c["ho_so_dung_han"]
    p["3.6.2"] = _bands(
        _percent(solved, c["ho_so_tiep_nhan"], 100), [(100, 300), (95, 200), (90, 100)]
    )
    p["3.6.3"] = np.maximum(0, 100 - 25 * c["ho_so_bi_tra_lai_bo_sung"]).astype(np.int64)
    late = c["ho_so_qua_han"] - c["ho_so_qua_han_co_van_ban_xin_loi"]
    p["3.6.4"] = np.maximum(0, 100 - 25 * late).astype(np.int64)
    signed = c["so_ket_qua_ky_so"] + c["so_ket_qua_so_hoa_tu_giay"]
    p["3.7.5"] = np.where(_percent(signed, c["so_ket_qua_giai_quyet_tthc"], 100) >= 70, 100, 0)
    bcci = _percent(c["ho_so_tiep_nhan_qua_bcci"], c["ho_so_tiep_nhan"], 100)
    p["3.8.1"] = _bands(bcci, [(10, 100), (5, 50)])
    returned = _percent(c["ket_qua_tra_qua_bcci"], solved + c["ho_so_qua_han"], 100)
    p["3.8.2"] = _bands(returned, [(10, 100), (5, 50)])
    for code, a, b, zero, target, top in (
        ("5.1.2", "so_phong_ban_bo_tri_dung_vtvl", "so_phong_ban", 100, 100, 50),
        ("5.1.3", "so_dvsncl_duoc_phe_duyet_vtvl", "so_dvsncl", 0, 100, 50),
        ("5.1.4", "so_dvsncl_bo_tri_dung_vtvl", "so_dvsncl", 0, 100, 50),
        ("6.1.1", "von_dau_tu_nsnn_da_giai_ngan", "von_dau_tu_nsnn_ke_hoach", 100, 100, 50),
        ("7.2.1", "so_tthc_dvc_toan_trinh", "so_tthc_du_dieu_kien_toan_trinh", 100, 100, 100),
        ("7.2.2", "ho_so_truc_tuyen_toan_trinh", "ho_so_thuoc_dvc_toan_trinh", 100, 60, 100),
    ):
        share = np.clip(_percent(c[a], c[b], zero) / target, 0, 1)
        p[code] = _half_up(top * share)
    spent_2021 = c["chi_nsnn_dvsncl_2021"]
    cut = _percent(spent_2021 - c["chi_nsnn_dvsncl_nam_danh_gia"], spent_2021, 100)
    p["6.4.4"] = _half_up(np.clip(50 * np.minimum(cut / 2.5, 1), 0, 50))
    paid = _percent(c["so_tthc_co_thanh_toan_truc_tuyen"], c["so_tthc_co_nghia_vu_tai_chinh"], 100)
    deals = _percent(c["so_giao_dich_thanh_toan_truc_tuyen"], c["so_giao_dich_thanh_toan"], 100)
    online = 50 * np.minimum(paid / 50, 1) + 50 * np.minimum(deals / 40, 1)
    p["7.2.3"] = _half_up(np.clip(online, 0, 100))
    levels = {"hoan_thanh": 50, "hoan_thanh_mot_phan": 25}
    p["5.3.1"] = np.array(
        [levels.get(v, 0) for v in c["muc_do_thuc_hien_ke_hoach_dtbd"]], dtype=np.int64
    )
    electronic = _percent(c["so_van_ban_gui_nhan_dien_tu"], c["tong_so_van_ban_gui_nhan"], 0)
    p["7.3.1"] = _bands(electronic, [(90, 200), (70, 100)])
    files = _percent(c["so_ho_so_cong_viec_dien_tu"], c["so_ho_so_cong_viec"], 0)
    p["7.3.2.c"] = np.where(files >= 70, 50, 0)
    return p


def totals(frame: Any) -> tuple[Ints, Ints]:
    """Each unit's total and applicable maximum, in hundredths."""
    c = columns(frame)
    p = leaves(c)
    tthc, dvsncl = c["co_tthc"], c["co_dvsncl"]

    def total(codes: str) -> Ints:
        return np.sum([p[code] for code in codes.split()], axis=0)

    area1 = total("1.1 1.2.a 1.3.1 1.3.2 1.4.1.a 1.4.1.b 1.4.2 1.4.3.a 1.4.3.b 1.5")
    area2 = total(
        "2.1.1 2.1.2 2.2.1 2.2.2.a 2.2.2.b 2.2.2.c 2.3.1 2.3.2 2.3.3 2.4.1.a 2.4.1.b 2.4.2.a 2.4.2.b 2.4.2.c"
    )
    area3 = total(
        "3.1.1 3.1.2 3.2 3.3.a 3.3.b 3.4.1 3.4.2 3.5.1 3.5.2 3.6.1 3.6.2 3.6.3 3.6.4 3.7.1 3.7.2 "
        "3.7.3 3.7.4 3.7.5 3.8.1 3.8.2 3.9"
    )
    area4 = total("4.1.1.a 4.1.1.b 4.1.2 4.1.4 4.2.1 4.2.2 4.3 4.5.1 4.5.2") + np.where(
        dvsncl, total("4.1.3 4.4.1 4.4.2 4.4.3"), 0
    )
    area5 = total(
        "5.1.1 5.1.2 5.2.2 5.3.1 5.3.2 5.4.1 5.4.2.a 5.5.a 5.5.b 5.6 5.7.1 5.7.2 5.7.3"
    ) + np.where(dvsncl, total("5.1.3 5.1.4 5.2.1"), 0)
    area6 = total("6.1.1 6.1.2 6.2.1 6.2.2 6.2.3 6.3.1 6.3.2 6.3.3") + np.where(
        dvsncl, total("6.4.1 6.4.2 6.4.3 6.4.4"), 0
    )
    area7 = total(
        "7.1.1 7.1.2 7.3.1 7.3.2.a 7.3.2.b 7.3.2.c 7.3.2.d 7.3.3 7.3.4 7.3.5.a 7.3.5.b "
        "7.4.1 7.4.2 7.4.3 7.4.4"
    ) + np.where(tthc, total("7.2.1 7.2.2 7.2.3 7.2.4 7.2.5"), 0)
    survey = np.round(np.nan_to_num(c["survey:XHH"]) * 100).astype(np.int64)
    points = area1 + area2 + np.where(tthc, area3, 0) + area4 + area5 + area6 + area7 + survey
    # 100 points; without TTHC area 3 (20) and 7.2 (4) drop; without ĐVSNCL 4.1.3 and
    # 4.4 (2), 5.1.3, 5.1.4 and 5.2.1 (1,5) and 6.4 (2) drop.
    maximum = 10000 - np.where(tthc, 0, 2400) - np.where(dvsncl, 0, 550)
    return np.minimum(points, maximum).astype(np.int64), maximum.astype(np.int64)
