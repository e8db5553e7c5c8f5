"""A processor that reports its progress through the "pizza tracker" pipe.

With ``supports_pizza_tracker = true`` the runner passes ``pizza_tracker`` (the path of a
named pipe) and ``pizza_job_id``. Each line written to the pipe is one update:
``TASK <text>``, ``PROGRESS <fraction>`` or ``PROGRESS <done>/<total>``, ``COMMITTED <count>``.
"""
import csv


def count_rows(file_path, pizza_tracker=None, pizza_job_id=None, batch_size=2):
    with open(file_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    total = len(rows)
    # line buffering: each update reaches the runner as soon as it is written
    with open(pizza_tracker, "w", buffering=1) as tracker:
        tracker.write(f"TASK counting {total} rows of job {pizza_job_id}\n")
        committed = 0
        for done in range(1, total + 1):
            if done % batch_size == 0 or done == total:
                committed = done
                tracker.write(f"COMMITTED {committed}\n")
                tracker.write(f"PROGRESS {done}/{total}\n")
        tracker.write("TASK done\n")
    print(f"{total} rows")
    return total
