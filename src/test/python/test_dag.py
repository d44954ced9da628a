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


VARIABLES = {"tiering_jar": "/opt/vt/value-tiering-shaded.jar", "tiering_input": "hdfs:///raw/sales",
             "tiering_warehouse": "hdfs:///lake", "tiering_config": "/etc/value-tiering/cluster.conf",
             "tiering_executor_memory": "3g"}


def rendered(task, field):
    """A templated field as the task would run it on 2026-11-21 with the Variables above."""
    context = {"ds": "2026-11-21", "var": {"value": VARIABLES}}
    return task.render_template(getattr(task, field), context)


def test_the_rendered_command_ships_the_configuration_to_a_cluster_mode_driver(monkeypatch):
    from airflow.providers.apache.spark.hooks.spark_submit import SparkSubmitHook

    dag = load()
    run = dag.get_task("run")
    args = rendered(run, "application_args")
    assert args == ["run", "--as-of", "2026-11-21", "--input", "hdfs:///raw/sales", "--warehouse", "hdfs:///lake",
                    "--config", "cluster.conf"]
    assert rendered(dag.get_task("validate"), "application_args") == [
        "validate", "--as-of", "2026-11-21", "--input", "hdfs:///raw/sales", "--config", "cluster.conf"]
    # The spark-submit command line the hook builds from the rendered fields and a YARN connection.
    monkeypatch.setenv("AIRFLOW_CONN_SPARK_DEFAULT", '{"conn_type": "spark", "host": "yarn"}')
    hook = SparkSubmitHook(conn_id="spark_default", files=rendered(run, "files"), deploy_mode=run._deploy_mode,
                           java_class=run._java_class, application_args=args, name=rendered(run, "name"),
                           conf=rendered(run, "conf"))
    command = hook._build_spark_submit_command(rendered(run, "application"))
    # Driver and executors run the throughput collector (docs/performance.md).
    confs = [command[i + 1] for i, part in enumerate(command) if part == "--conf"]
    assert "spark.driver.extraJavaOptions=-XX:+UseParallelGC" in confs
    assert "spark.executor.extraJavaOptions=-XX:+UseParallelGC" in confs
    # Memory from the Variables, the default where none is set.
    assert "spark.executor.memory=3g" in confs
    assert "spark.driver.memory=4g" in confs
    assert command[command.index("--master") + 1] == "yarn"
    assert command[command.index("--deploy-mode") + 1] == "cluster"
    assert command[command.index("--files") + 1] == "/etc/value-tiering/cluster.conf"
    assert command[command.index("--class") + 1] == "io.valuetier.Main"
    assert command[-10:] == ["/opt/vt/value-tiering-shaded.jar", *args]
