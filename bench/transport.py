"""Threads or asyncio for sending reminders: N posts to a loopback Slack with a round trip, each way.

    .venv/bin/pip install -e '.[bench]'   # aiohttp, which slack_sdk's AsyncWebClient needs
    .venv/bin/python -m bench.transport [--messages 1000] [--rtt 0.1 0.25] [--workers 16 32 64] [--repeat 2]

Threads: a ThreadPoolExecutor of W workers sharing one WebClient built by reminders.delivery.make_client
(as a reminder run does), each calling chat_postMessage. Asyncio: one AsyncWebClient on one aiohttp
session, N tasks of which at most W post at once (an asyncio.Semaphore). Slack is
bench/limited_slack.py with the round trip only: its rate limits are set far above what is sent and
its 429s, 5xx and timeouts are off, so what is measured is the transport, not Slack's limits. The fake
runs in a child process (a fresh one per run), so the CPU seconds (`time.process_time()` of this
process) are the sender's alone. Two settings of socketserver are changed in that child only, so the
fake does not hold up one client more than the other: a listen backlog of 1024, not 5 (W connections
opened at once), and TCP_NODELAY on its sockets. Without it the fake writes an answer's headers and
body in two packets and Nagle holds the body back until the client's delayed ACK on a
kept-alive connection, which aiohttp's is and urllib's (a new connection per call) is not. Each
message goes to a conversation of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socketserver
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bench.limited_slack import LimitedSlack, Shape
from bot.config import Settings
from reminders.delivery import Policy, make_client

TOKEN = "xoxb-TBENCH"
UNBOUNDED = 1e9  # a rate or burst the run never reaches


def serve(rtt: float, pipe: Connection) -> None:
    """The child process: a LimitedSlack with only its round trip; answers "stop" with its count."""
    socketserver.TCPServer.request_queue_size = 1024
    socketserver.StreamRequestHandler.disable_nagle_algorithm = True
    fake = LimitedSlack(
        Shape(
            rtt=rtt,
            post_rate=UNBOUNDED,
            post_burst=UNBOUNDED,
            channel_rate=UNBOUNDED,
            channel_burst=UNBOUNDED,
            tier3_per_minute=UNBOUNDED,
            p_5xx=0.0,
            p_timeout=0.0,
            p_429=0.0,
        )
    )
    pipe.send(fake.api_url)
    pipe.recv()
    pipe.send(fake.counts.accepted)
    fake.close()


@dataclass
class Result:
    model: str
    rtt: float
    workers: int
    sent: int
    accepted: int
    wall: float
    cpu: float

    @property
    def per_second(self) -> float:
        return self.sent / self.wall


def with_threads(api_url: str, messages: int, workers: int) -> int:
    client = make_client(Settings(slack_bot_token=TOKEN), base_url=api_url)

    def post(n: int) -> bool:
        return bool(client.chat_postMessage(channel=f"U{n:08d}", text=f"Reminder {n}")["ok"])

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(pool.map(post, range(messages)))


async def with_asyncio(api_url: str, messages: int, workers: int) -> int:
    bound = asyncio.Semaphore(workers)
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(
            token=TOKEN, base_url=api_url, timeout=Policy.timeout, session=session, retry_handlers=[]
        )

        async def post(n: int) -> bool:
            async with bound:
                answer = await client.chat_postMessage(channel=f"U{n:08d}", text=f"Reminder {n}")
                return bool(answer["ok"])

        return sum(await asyncio.gather(*(post(n) for n in range(messages))))


MODELS: dict[str, Callable[[str, int, int], int]] = {
    "threads": with_threads,
    "asyncio": lambda api_url, messages, workers: asyncio.run(with_asyncio(api_url, messages, workers)),
}


def one_run(model: str, rtt: float, messages: int, workers: int) -> Result:
    mine, theirs = multiprocessing.Pipe()
    fake = multiprocessing.get_context("spawn").Process(target=serve, args=(rtt, theirs), daemon=True)
    fake.start()
    api_url = mine.recv()
    try:
        cpu, began = time.process_time(), time.perf_counter()
        sent = MODELS[model](api_url, messages, workers)
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        mine.send("stop")
        accepted = mine.recv()
    finally:
        fake.join(timeout=5)
        if fake.is_alive():
            fake.kill()
    return Result(model, rtt, workers, sent, accepted, wall, cpu)


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.transport", description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rtt", type=float, nargs="+", default=[0.1, 0.25], help="seconds")
    parser.add_argument("--workers", type=int, nargs="+", default=[16, 32, 64])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each configuration")
    args = parser.parse_args(argv)
    print(f"cores: {os.cpu_count()}; load average (1, 5, 15 min) before: {load()}", flush=True)
    print("| rtt | model | W | msgs/s | wall s | CPU s | CPU ms/msg | accepted |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|", flush=True)
    for rtt in args.rtt:
        for workers in args.workers:
            for _ in range(args.repeat):
                for model in MODELS:  # alternated, so a change in the machine's load hits both
                    r = one_run(model, rtt, args.messages, workers)
                    print(
                        f"| {rtt:.2f} | {r.model} | {r.workers} | {r.per_second:.0f} | {r.wall:.2f} "
                        f"| {r.cpu:.2f} | {1000 * r.cpu / r.sent:.2f} | {r.accepted:,} |",
                        flush=True,
                    )
    print(f"load average after: {load()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
