from services.notify.dispatch import GIVE_UP, RETRY, RetryPolicy, after_failure, next_channel


def test_waits_grow_exponentially_with_bounded_jitter_and_a_cap():
    policy = RetryPolicy(max_attempts=8, initial=30, max_wait=900, jitter=10)
    for attempt, base in ((1, 30), (2, 60), (3, 120), (4, 240), (5, 480)):
        waits = [policy.wait(attempt) for _ in range(50)]
        assert all(base <= w <= base + 10 for w in waits), (attempt, min(waits), max(waits))
        assert len(set(waits)) > 1  # jitter spreads replicas apart
    assert policy.wait(7) == 900


def test_the_default_schedule_outlasts_a_ten_minute_outage():
    policy = RetryPolicy()
    assert sum(policy.wait(n) for n in range(1, policy.max_attempts)) > 10 * 60


def test_give_up_after_the_last_attempt_or_at_once_when_permanent():
    policy = RetryPolicy(max_attempts=3, initial=1, max_wait=5, jitter=0)
    assert after_failure(policy, 1) == (RETRY, 1)
    assert after_failure(policy, 2) == (RETRY, 2)
    assert after_failure(policy, 3) == (GIVE_UP, None)
    assert after_failure(policy, 1, permanent=True) == (GIVE_UP, None)


def test_failover_takes_the_next_channel_not_yet_tried():
    assert next_channel(["email", "webhook", "inbox"], {"email"}) == "webhook"
    assert next_channel(["email", "inbox"], {"email", "inbox"}) is None


def test_policy_from_settings():
    policy = RetryPolicy.from_settings({"max_attempts": 4, "initial": 0.5, "max_wait": 2,
                                        "jitter": 0})
    assert policy == RetryPolicy(4, 0.5, 2.0, 0.0)
    assert RetryPolicy.from_settings(None) == RetryPolicy()
