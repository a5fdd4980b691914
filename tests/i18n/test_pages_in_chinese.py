"""With Simplified Chinese chosen (language cookie or a Chinese browser), the pages speak procurement Chinese."""
import json
import re

import pytest
from django.test import Client

from tests.bids.builders import after_deadline, sealed_form, submit
from tests.tenders.builders import published_tender

pytestmark = pytest.mark.django_db


def text_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def tender(entity_user, supervisor):
    return published_tender(entity_user=entity_user, holders=[entity_user, supervisor], title="Bridge repair")


def test_home_page(zh_client):
    page = text_of(zh_client.get("/"))
    assert '<html lang="zh-hans">' in page
    assert "公共资源交易中心" in page
    assert "浏览招标项目" in page
    assert "Browse tenders" not in page


def test_a_chinese_browser_gets_chinese_without_choosing():
    page = text_of(Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5"))
    assert "公共资源交易中心" in page


def test_tender_list(zh_client, tender):
    page = text_of(zh_client.get("/tenders/"))
    for words in ("招标项目", "招标编号", "最高投标限价", "投标截止时间", "工程", "已发布", "全部状态"):
        assert words in page, words
    assert "Bridge repair" in page  # what people typed stays as typed


def test_tender_detail(zh_client, tender):
    page = text_of(zh_client.get(f"/tenders/{tender.pk}/"))
    for words in ("招标公告", "投标保证金", "评标办法", "经评审的最低投标价法", "投标截止及开标时间", "招标文件"):
        assert words in page, words


def test_login_page(zh_client):
    page = text_of(zh_client.get("/accounts/login/"))
    for words in ("登录", "用户名", "密码", "注册您的企业"):
        assert words in page, words


def test_bid_submission_form(zh_as, contractor, tender):
    page = text_of(zh_as(contractor).get(f"/bids/tender/{tender.pk}/submit/"))
    for words in ("递交加密投标文件", "投标报价（元）", "工期（天）", "投标保证金凭证号", "开标前任何人"):
        assert words in page, words


def test_a_refused_bid_explains_itself_in_chinese(zh_as, contractor, tender):
    # The fields are sealed in the browser (their checks run there); the server's refusals are in Chinese too.
    with after_deadline(tender):
        response = zh_as(contractor).post(f"/bids/tender/{tender.pk}/submit/", {
            **sealed_form(tender), "device_fingerprint": "fp"})
    page = text_of(response)
    assert "不再接受投标" in page and "未保存任何内容" in page
    assert 'id="bidding-closed"' in page and 'id="bid-form"' not in page  # the form is no longer offered


def test_opening_hall_and_its_script_labels(zh_as, entity_user, contractor, tender):
    submit(contractor, tender)
    page = text_of(zh_as(entity_user).get(f"/opening/{tender.pk}/"))
    for words in ("开标大厅", "签到", "解密", "开启开标室", "唱下一标", "结束开标"):
        assert words in page, words
    labels = json.loads(re.search(r'<script id="opening-labels" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    assert labels["events"]["_reconnecting"] == "正在重新连接…"
    assert labels["events"]["bid_announced"] == "已唱标"
    assert labels["events"]["ceiling_announced"] == "已公布最高投标限价"
    assert labels["states"]["announcing"] == "唱标"


def test_collusion_dashboard_for_discipline_staff(zh_as, discipline):
    page = text_of(zh_as(discipline).get("/collusion/"))
    for words in ("串通投标线索", "命中仅为供人工结合证据核查的线索", "暂无报告", "案件"):
        assert words in page, words


def test_audit_log(zh_as, supervisor, tender):
    page = text_of(zh_as(supervisor).get("/audit/"))
    for words in ("审计日志", "校验哈希链", "操作人", "网络地址"):
        assert words in page, words
    page = text_of(zh_as(supervisor).get("/audit/?verify=1"))
    assert "哈希链完整。" in page


def test_language_switch(client):
    assert "Browse tenders" in text_of(client.get("/"))

    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/tenders/"})
    assert response.status_code == 302 and response["Location"] == "/tenders/"
    page = text_of(client.get("/tenders/"))
    assert "招标项目" in page and '<option value="zh-hans" selected>简体中文</option>' in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = text_of(client.get("/"))
    assert "Browse tenders" in page and "浏览招标项目" not in page
