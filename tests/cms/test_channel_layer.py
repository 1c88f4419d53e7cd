"""The scale-out profile's channel layer on the real Redis: a socket with nothing to
receive keeps waiting. channels_redis waits for messages with a 5-second BZPOPMIN,
and with redis-py's default 5-second read timeout the read failed first, killing the
consumer: idle call sockets were closed within seconds (found by `make load`)."""

import os
import subprocess
import sys

from tests.support.live import REPO
from tests.support.services import REDIS_TEST_URL, require_redis

IDLE_RECEIVE = """
import asyncio, django
django.setup()
from channels.layers import get_channel_layer

async def idle():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    try:
        await asyncio.wait_for(layer.receive(channel), 8)
    except asyncio.TimeoutError:
        return "still waiting"
    except Exception as error:
        return f"failed: {type(error).__name__}"
    finally:
        await layer.flush()
    return "received"

print(asyncio.run(idle()))
"""


class ChannelLayerTests:
    def test_an_idle_receive_outlasts_channels_redis_five_second_wait(self):
        require_redis()
        clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env = {
            **clean,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "REDIS_URL": REDIS_TEST_URL,
        }
        result = subprocess.run(
            [sys.executable, "-c", IDLE_RECEIVE],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert result.stdout.strip().splitlines()[-1] == "still waiting"
