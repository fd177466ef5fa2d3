"""Kiểm thử bộ tiêu chí Chỉ số CCHC của tỉnh bằng parindex.testing (chép tệp này về dùng).

Chạy (từ thư mục có tệp tiêu chí):

    BO_TIEU_CHI=criteria/bo-tieu-chi-cua-tinh.yaml pytest test_bo_chi_so_cua_tinh.py

``BO_TIEU_CHI``: đường dẫn tệp tiêu chí; ``SO_VI_DU``: số đơn vị giả định mỗi phép thử
(mặc định 200; tăng lên 2000 cho một lần kiểm kỹ trước kỳ thẩm định). Khi một phép thử
hỏng, pytest in ra mã tiêu chí, cách tính điểm, tên và giá trị các số liệu, và bảng số
liệu của đơn vị giả định nhỏ nhất làm lộ lỗi.

Test the province's PAR INDEX criteria file with parindex.testing (copy this file).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parindex
import parindex.testing as pt

BO_TIEU_CHI = Path(os.environ.get("BO_TIEU_CHI", "criteria/namdinh-stnmt-2023.yaml"))
SO_VI_DU = int(os.environ.get("SO_VI_DU", "200"))

# Tệp lỗi thì dừng ngay ở đây, kèm danh sách lỗi (dòng, mã tiêu chí, trường, cách sửa).
criteria = parindex.load_criteria(BO_TIEU_CHI)

chay = settings(max_examples=SO_VI_DU, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Điều văn bản quy định chắc chắn tại các ngưỡng — SỬA cho bộ của tỉnh mình.
# mã tiêu chí → {giá trị của tỷ lệ/số liệu: số điểm văn bản cho}
KY_VONG_NGUONG: dict[str, dict[str, str | int]] = {
    # Nam Định 2023, 1.3.1 "Kiểm tra trên 30% số phòng và đơn vị": đúng 30% là chưa đạt.
    "1.3.1": {"30%": 0, "30,01%": 1},
    # Nam Định 2023, 1.5 "Hoàn thành từ 80% đến dưới 100%": đúng 80% được 0,75 điểm.
    "1.5": {"80%": "0,75", "100%": "1,5"},
}

# Chiều mà điểm phải đi khi một số liệu tăng, khi quy tắc không tự nói được.
# mã tiêu chí → {tên số liệu: "increasing" | "decreasing" | "either"}
KY_VONG_CHIEU: dict[str, dict[str, pt.Direction]] = {
    # ví dụ: "3.6.4": {"ho_so_qua_han": "decreasing"},
}

# Tiêu chí có ngưỡng (bands, threshold) hay thời hạn (deadline): loại quy tắc tự nói.
MA_CO_NGUONG = pt.edge_codes(criteria)


@chay
@given(pt.submissions(criteria))
def test_moi_don_vi_thoa_moi_bat_bien(submission: parindex.Submission) -> None:
    """Điểm trong [0, tối đa]; cha = tổng con; không áp dụng thì rời điểm tối đa; chỉ số
    0–100; quy tắc đơn điệu; chấm lại vẫn ra đúng kết quả."""
    pt.check_all(criteria, submission, expect_monotonic=KY_VONG_CHIEU)


@chay
@given(pt.submissions(criteria, missing=True, self_scores=True))
def test_don_vi_thieu_so_lieu(submission: parindex.Submission) -> None:
    """Số liệu thiếu không bao giờ tính là 0: điểm chưa xác định được ghi riêng."""
    pt.check_all(criteria, submission, expect_monotonic=KY_VONG_CHIEU)


@pytest.mark.skipif(not MA_CO_NGUONG, reason="bộ tiêu chí không có ngưỡng hay thời hạn")
@chay
@given(st.data())
def test_don_vi_dung_tai_nguong(data: st.DataObject) -> None:
    """Đơn vị đúng tại một ngưỡng (80% = 4k/5k), sát dưới, sát trên; báo cáo đúng ngày hạn,
    trước một ngày, sau một ngày."""
    code = data.draw(st.sampled_from(MA_CO_NGUONG), label="mã tiêu chí")
    submission = data.draw(pt.edge_submissions(criteria, code), label="đơn vị")
    pt.check_all(criteria, submission, expect_monotonic=KY_VONG_CHIEU)


@pytest.mark.parametrize(
    "code",
    pt.band_edge_codes(criteria),  # tiêu chí có ngưỡng: bands, threshold
)
def test_nguong_dung_nhu_van_ban(code: str) -> None:
    """Mỗi ngưỡng nằm đúng phía như lời văn ('từ 80%' tính 80%, 'trên 30%' thì không)."""
    pt.check_band_edges(criteria, code, expect=KY_VONG_NGUONG.get(code))
