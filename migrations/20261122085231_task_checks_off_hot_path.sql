-- Modify "Task" table
ALTER TABLE "Task" DROP CONSTRAINT "Task_platform_check", DROP CONSTRAINT "Task_task_state_check";
