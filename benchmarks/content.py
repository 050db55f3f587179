"""Time loading and validating every content file (what each app process does once).

Run: uv run python -m benchmarks.content [--runs 15]
"""

from __future__ import annotations

import argparse

from benchmarks.store import summarise, timed
from pathfinder.content import load_content


def main() -> None:
    """Load the content repeatedly and print the counts and the timing."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="timed loads")
    args = parser.parse_args()
    content = load_content()  # warm-up: imports and file cache
    timing = summarise(timed(load_content, args.runs))
    counts = {
        "lifecycle phases": len(content.phases),
        "skills": len(content.skills),
        "case-study sections": len(content.case_study_sections),
        "publishing formats": len(content.publishing_formats),
        "publishing checklist items": len(content.publishing_checklist),
        "tracks": len(content.tracks),
        "plan steps": len(content.steps),
        "resources": len(content.resources),
        "lessons": len(content.lessons),
        "day-in-the-life activities": len(content.day_in_life),
        "interview questions": len(content.interview_questions),
        "challenges": len(content.challenges),
        "career entries": len(content.career),
        "glossary terms": len(content.glossary),
        "citations": len(content.sources),
    }
    print("| content | items |\n|---|---:|")
    for name, count in counts.items():
        print(f"| {name} | {count} |")
    print(
        f"\nLoad and validate all content: median {timing['median_ms']:.0f} ms, "
        f"p95 {timing['p95_ms']:.0f} ms over {args.runs} runs."
    )


if __name__ == "__main__":
    main()
