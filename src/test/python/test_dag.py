"""DAG integrity: the nightly DAG imports in a real Airflow and has the expected shape."""

from pathlib import Path

from airflow.models import DagBag

DAG_FOLDER = Path(__file__).resolve().parents[3] / "jobs" / "airflow"


def load():
    bag = DagBag(dag_folder=str(DAG_FOLDER))
    assert bag.import_errors == {}, bag.import_errors
    # The parsed DAGs, not get_dag(): that would ask the metadata database, which a test has none of.
    return bag.dags.get("value_tiering_nightly")


def test_dag_imports_with_validate_then_run():
    dag = load()
    assert dag is not None
    assert sorted(dag.task_ids) == ["run", "validate"]
    assert dag.get_task("validate").downstream_task_ids == {"run"}
    assert dag.max_active_runs == 1
    assert not dag.catchup


def test_nightly_schedule_with_retries():
    dag = load()
    assert dag.schedule == "0 2 * * *"
    assert dag.timetable.expression == "0 2 * * *"
    for task in dag.tasks:
        assert task.retries == 2


def test_logical_date_is_the_as_of_date():
    dag = load()
    for task_id in ("validate", "run"):
        args = dag.get_task(task_id).application_args
        assert args[0] == task_id
        assert args[args.index("--as-of") + 1] == "{{ ds }}"
        assert dag.get_task(task_id)._java_class == "io.valuetier.Main"
        assert dag.get_task(task_id)._conn_id == "spark_default"
