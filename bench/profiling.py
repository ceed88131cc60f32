"""Where the time goes, for RESULTS.md: pyinstrument's call tree flattened to the frames with most own time.

Why own time: a missed target is explained by the functions that do the work, not by the callers that
wrap them (their total time is the whole run).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any


def _key(frame: Any) -> str:
    where = f"{frame.file_path_short}:{frame.line_no}" if frame.file_path_short else ""
    return f"{frame.function} ({where})" if where else str(frame.function)


def own_times(root: Any) -> dict[str, float]:
    """Seconds of own time per frame identity (function + file:line), summed over the tree."""
    out: dict[str, float] = defaultdict(float)
    stack = [(root, None)]
    while stack:
        frame, parent_key = stack.pop()
        # pyinstrument's synthetic leaves ([self], [await]) are their parent's own time
        key = parent_key if frame.is_synthetic and parent_key else _key(frame)
        own = frame.time - sum(child.time for child in frame.children)
        out[key] += max(own, 0.0)
        stack.extend((child, key) for child in frame.children)
    return out


def profile_top(fn: Callable[[], Any], n: int = 15, interval: float = 0.001) -> dict[str, Any]:
    """Run ``fn`` under pyinstrument; return the total seconds and the ``n`` frames with most own time."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=interval)
    profiler.start()
    try:
        fn()
    finally:
        profiler.stop()
    root = profiler.last_session.root_frame()
    total = root.time if root else 0.0
    times = own_times(root) if root else {}
    top = sorted(times.items(), key=lambda kv: -kv[1])[:n]
    return {"total_s": round(total, 3),
            "top": [{"frame": k, "own_s": round(v, 3), "share": round(v / total, 3) if total else None} for k, v in top]}
