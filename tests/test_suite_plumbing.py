"""The suite's own plumbing (tests/conftest.py): the faster restore of the migrated data before a
transactional test, and which tests the PostgreSQL pass leaves out."""

from __future__ import annotations

import pytest
from django.db import connection, connections

from tests.conftest import _uses_database, require_postgres


@pytest.mark.django_db(transaction=True)
def test_the_restore_gives_back_exactly_the_serialized_migrated_data():
    # given a transactional test: its database was restored from the serialized migrated data
    serialized = connection._test_serialized_contents

    # then the database holds exactly those rows, field for field
    assert connection.creation.serialize_db_to_string() == serialized

    # and restoring again into the full tables (a worker's first transactional test finds them
    # full) leaves the same rows, none twice
    connection.creation.deserialize_db_from_string(serialized)
    assert connection.creation.serialize_db_to_string() == serialized


@pytest.fixture
def by_hand(django_db_blocker):
    with django_db_blocker.unblock():
        yield


def test_a_test_without_a_database_is_left_to_the_sqlite_pass(request):
    assert not _uses_database(request.node)


def test_a_test_with_the_db_fixture_runs_in_both_passes(request, db):
    assert _uses_database(request.node)


def test_a_test_whose_fixture_unblocks_the_database_runs_in_both_passes(request, by_hand):
    assert _uses_database(request.node)


@pytest.mark.postgres
def test_a_test_marked_postgres_runs_in_the_postgresql_pass(request):
    assert _uses_database(request.node)


@pytest.mark.django_db(transaction=True)  # transactional: pytest-django serializes the data for it
def test_another_connection_object_finds_the_serialized_migrated_data():
    # given the connection object the database was set up with, which holds the serialized data
    serialized = connection._test_serialized_contents

    # when Django hands out another object for the same database (as it does while Playwright's
    # event loop runs in the test thread)
    other = connections.create_connection(connection.alias)
    try:
        # then that one finds the same serialized data, so the next transactional test is restored
        assert other is not connection
        assert other._test_serialized_contents == serialized
    finally:
        other.close()


@pytest.mark.postgres
def test_a_postgresql_test_connection_commits_without_waiting_for_the_disk(db):
    require_postgres()

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"
