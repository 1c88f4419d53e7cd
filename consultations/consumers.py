"""WebSocket consumers. For now a ping that proves the WebSocket path works end to end;
the signaling consumer of the call arrives with the consultations work."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class PingConsumer(AsyncJsonWebsocketConsumer):
    """Answer {"type": "ping"} with {"type": "pong"}: for health checks and tests."""

    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.close(code=4400)
