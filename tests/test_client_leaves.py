"""``api.sparql.unless_the_client_leaves``: a query is stopped when its client leaves, and only then; a quick one
costs no task of its own."""

from __future__ import annotations

import asyncio

import pytest

from api import sparql


async def _never_disconnects():
    await asyncio.Event().wait()
    return {"type": "http.disconnect"}


def _disconnects_after(seconds: float):
    async def receive():
        await asyncio.sleep(seconds)
        return {"type": "http.disconnect"}
    return receive


def test_a_quick_answer_runs_in_the_callers_task():
    async def main():
        caller = asyncio.current_task()

        async def work():
            return asyncio.current_task() is caller

        return await sparql.unless_the_client_leaves(_never_disconnects, work())

    assert asyncio.run(main()) is True


def test_a_slow_answer_is_returned_while_the_client_stays():
    async def work():
        await asyncio.sleep(sparql.QUICK_SECONDS * 3)
        return "answer"

    async def main():
        return await sparql.unless_the_client_leaves(_never_disconnects, work())

    assert asyncio.run(main()) == "answer"


def test_the_work_is_cancelled_when_the_client_leaves():
    stopped = []

    async def work():
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            stopped.append(True)
            raise

    async def main():
        started = asyncio.get_running_loop().time()
        with pytest.raises(sparql.ClientLeft):
            await sparql.unless_the_client_leaves(_disconnects_after(sparql.QUICK_SECONDS * 2), work())
        task = asyncio.current_task()
        await asyncio.sleep(0.01)  # the caller's task carries no cancellation on: it goes on normally
        return asyncio.get_running_loop().time() - started, task.cancelling()

    took, cancelling = asyncio.run(main())
    assert stopped == [True] and took < 5 and cancelling == 0


def test_a_cancellation_from_elsewhere_is_no_client_leaving():
    async def work():
        await asyncio.sleep(30)

    async def main():
        inner = asyncio.ensure_future(sparql.unless_the_client_leaves(_never_disconnects, work()))
        await asyncio.sleep(sparql.QUICK_SECONDS * 2)
        inner.cancel()
        with pytest.raises(asyncio.CancelledError):
            await inner

    asyncio.run(main())


def test_a_cancellation_from_elsewhere_at_the_moment_the_client_leaves_is_not_swallowed():
    """The client leaves, and in the same turn of the loop the request is cancelled from elsewhere (the server
    shutting down): the function raised ClientLeft, which the caller takes for an ordinary end, and the other
    cancellation was lost (its task's ``cancelling()`` still 1)."""
    async def main():
        gone = asyncio.Event()

        async def receive():
            await gone.wait()
            return {"type": "http.disconnect"}

        task = asyncio.ensure_future(sparql.unless_the_client_leaves(receive, asyncio.sleep(30)))
        await asyncio.sleep(sparql.QUICK_SECONDS * 2)  # the watch on the client has started
        gone.set()
        await asyncio.sleep(0)  # the watch sees the disconnect and cancels the request ...
        task.cancel()  # ... and so does someone else
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_a_client_leaving_once_the_answer_is_ready_cancels_nothing():
    async def work():
        await asyncio.sleep(sparql.QUICK_SECONDS * 2)
        return "answer"

    async def main():
        receive = _disconnects_after(sparql.QUICK_SECONDS * 2)  # watched from QUICK_SECONDS on: gone after the answer
        answer = await sparql.unless_the_client_leaves(receive, work())
        await asyncio.sleep(sparql.QUICK_SECONDS * 2)  # the caller goes on to send the answer, uncancelled
        return answer

    assert asyncio.run(main()) == "answer"
