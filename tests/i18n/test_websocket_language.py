"""The opening hall's websocket answers in the language the pages use (cookie, else Accept-Language)."""
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from tests.opening.builders import ceremony
from tests.realtime.helpers import ORIGIN, application, command, frame, ticket_for, until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def c(transactional_db):
    return ceremony(is_public=True)


async def connect(tender_id, user, *headers):
    ticket = await database_sync_to_async(ticket_for)(user)
    communicator = WebsocketCommunicator(application(), f"/ws/opening/{tender_id}/?ticket={ticket}",
                                         headers=[ORIGIN, *headers])
    connected, _ = await communicator.connect()
    assert connected
    await until(communicator, "snapshot")
    return communicator


async def test_errors_follow_the_language_cookie(c):
    socket = await connect(c.tender.pk, c.host, (b"cookie", b"django_language=zh-hans"))
    await socket.send_to(text_data="{not json")
    assert (await frame(socket))["message"] == "该帧不是有效的 JSON。"
    refused = await command(socket, "resume", "host-resumes", reason="网络已恢复")
    assert refused["type"] == "error" and refused["message"] == "开标未暂停。"
    await socket.disconnect()


async def test_a_chinese_browser_without_the_cookie_gets_chinese(c):
    socket = await connect(c.tender.pk, c.bidders[0], (b"accept-language", b"zh-CN,zh;q=0.9"))
    refused = await command(socket, "open_room", "bidder-opens")
    assert refused["type"] == "error" and refused["message"] == "您的角色无权主持开标。"
    await socket.disconnect()


async def test_english_stays_the_default(c):
    socket = await connect(c.tender.pk, c.host)
    await socket.send_to(text_data=json.dumps([1, 2]))
    assert (await frame(socket))["message"] == 'A frame is a JSON object with a "type".'
    await socket.disconnect()
