CREATE TABLE `cases` (
	`experiment_id` integer NOT NULL,
	`case_id` text NOT NULL,
	`role` text NOT NULL,
	`image_path` text NOT NULL,
	`label_path` text,
	PRIMARY KEY(`experiment_id`, `case_id`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "cases_role_check" CHECK("role" IN ('labeled', 'pool', 'test'))
);
--> statement-breakpoint
CREATE INDEX `cases_role_idx` ON `cases` (`experiment_id`,`role`);--> statement-breakpoint
CREATE TABLE `experiments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`config` text NOT NULL,
	`config_hash` text NOT NULL,
	`code_version` text NOT NULL,
	`model_hashes` text NOT NULL,
	`engine_name` text NOT NULL,
	`engine_version` text,
	`status` text DEFAULT 'running' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "experiments_kind_check" CHECK("kind" IN ('al', 'ssl')),
	CONSTRAINT "experiments_status_check" CHECK("status" IN ('running', 'done', 'failed', 'stopped'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `experiments_name_unique` ON `experiments` (`name`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` integer NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`method` text,
	`seed` integer,
	`budget` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`wall_s` real,
	`cpu_s` real,
	`peak_rss_bytes` integer,
	`disk_bytes` integer,
	`exit_code` integer,
	`reason` text,
	`message` text,
	`log_path` text,
	`executor` text,
	`external_id` text,
	`started_at` text,
	`finished_at` text,
	`output` text,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "jobs_status_check" CHECK("status" IN ('pending', 'running', 'done', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `jobs_status_idx` ON `jobs` (`experiment_id`,`status`);--> statement-breakpoint
CREATE INDEX `jobs_method_kind_idx` ON `jobs` (`experiment_id`,`method`,`kind`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_experiment_key_unique` ON `jobs` (`experiment_id`,`key`);--> statement-breakpoint
CREATE TABLE `metrics` (
	`experiment_id` integer NOT NULL,
	`method` text NOT NULL,
	`seed` integer NOT NULL,
	`budget` integer NOT NULL,
	`case_id` text NOT NULL,
	`organ` text NOT NULL,
	`dsc` real,
	`nsd` real,
	PRIMARY KEY(`experiment_id`, `method`, `seed`, `budget`, `case_id`, `organ`),
	FOREIGN KEY (`experiment_id`,`case_id`) REFERENCES `cases`(`experiment_id`,`case_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `metrics_budget_idx` ON `metrics` (`experiment_id`,`budget`,`method`);--> statement-breakpoint
CREATE TABLE `run_lock` (
	`id` integer PRIMARY KEY NOT NULL,
	`pid` integer NOT NULL,
	`hostname` text NOT NULL,
	`process_start` text,
	`acquired_at` text NOT NULL,
	CONSTRAINT "run_lock_single_row_check" CHECK("id" = 1)
);
--> statement-breakpoint
CREATE TABLE `scores` (
	`experiment_id` integer NOT NULL,
	`method` text NOT NULL,
	`seed` integer NOT NULL,
	`case_id` text NOT NULL,
	`organ` text NOT NULL,
	`value` real,
	`slices` integer,
	`worst_slice` integer,
	PRIMARY KEY(`experiment_id`, `method`, `seed`, `case_id`, `organ`),
	FOREIGN KEY (`experiment_id`,`case_id`) REFERENCES `cases`(`experiment_id`,`case_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `scores_ranking_idx` ON `scores` (`experiment_id`,`method`,`organ`,`value`);--> statement-breakpoint
CREATE TABLE `selections` (
	`experiment_id` integer NOT NULL,
	`method` text NOT NULL,
	`seed` integer NOT NULL,
	`budget` integer NOT NULL,
	`case_id` text NOT NULL,
	`rank` integer NOT NULL,
	`score` real,
	PRIMARY KEY(`experiment_id`, `method`, `seed`, `budget`, `case_id`),
	FOREIGN KEY (`experiment_id`,`case_id`) REFERENCES `cases`(`experiment_id`,`case_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `selections_rank_unique` ON `selections` (`experiment_id`,`method`,`seed`,`budget`,`rank`);