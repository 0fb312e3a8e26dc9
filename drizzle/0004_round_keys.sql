PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_selections` (
	`experiment_id` integer NOT NULL,
	`method` text NOT NULL,
	`seed` integer NOT NULL,
	`budget` integer NOT NULL,
	`round` integer DEFAULT 1 NOT NULL,
	`case_id` text NOT NULL,
	`rank` integer NOT NULL,
	`score` real,
	PRIMARY KEY(`experiment_id`, `method`, `seed`, `budget`, `round`, `case_id`),
	FOREIGN KEY (`experiment_id`,`case_id`) REFERENCES `cases`(`experiment_id`,`case_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_selections`("experiment_id", "method", "seed", "budget", "round", "case_id", "rank", "score") SELECT "experiment_id", "method", "seed", "budget", "round", "case_id", "rank", "score" FROM `selections`;--> statement-breakpoint
DROP TABLE `selections`;--> statement-breakpoint
ALTER TABLE `__new_selections` RENAME TO `selections`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `selections_rank_unique` ON `selections` (`experiment_id`,`method`,`seed`,`budget`,`round`,`rank`);--> statement-breakpoint
CREATE TABLE `__new_metrics` (
	`experiment_id` integer NOT NULL,
	`method` text NOT NULL,
	`seed` integer NOT NULL,
	`budget` integer NOT NULL,
	`round` integer DEFAULT 1 NOT NULL,
	`case_id` text NOT NULL,
	`organ` text NOT NULL,
	`dsc` real,
	`nsd` real,
	PRIMARY KEY(`experiment_id`, `method`, `seed`, `budget`, `round`, `case_id`, `organ`),
	FOREIGN KEY (`experiment_id`,`case_id`) REFERENCES `cases`(`experiment_id`,`case_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_metrics`("experiment_id", "method", "seed", "budget", "round", "case_id", "organ", "dsc", "nsd") SELECT "experiment_id", "method", "seed", "budget", "round", "case_id", "organ", "dsc", "nsd" FROM `metrics`;--> statement-breakpoint
DROP TABLE `metrics`;--> statement-breakpoint
ALTER TABLE `__new_metrics` RENAME TO `metrics`;--> statement-breakpoint
CREATE INDEX `metrics_budget_idx` ON `metrics` (`experiment_id`,`budget`,`method`);--> statement-breakpoint
CREATE TABLE `__new_scores` (
	`experiment_id` integer NOT NULL,
	`method` text NOT NULL,
	`seed` integer NOT NULL,
	`round` integer DEFAULT 1 NOT NULL,
	`budget` integer DEFAULT 0 NOT NULL,
	`case_id` text NOT NULL,
	`organ` text NOT NULL,
	`value` real,
	`slices` integer,
	`worst_slice` integer,
	PRIMARY KEY(`experiment_id`, `method`, `seed`, `round`, `budget`, `case_id`, `organ`),
	FOREIGN KEY (`experiment_id`,`case_id`) REFERENCES `cases`(`experiment_id`,`case_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_scores`("experiment_id", "method", "seed", "round", "budget", "case_id", "organ", "value", "slices", "worst_slice") SELECT "experiment_id", "method", "seed", "round", "budget", "case_id", "organ", "value", "slices", "worst_slice" FROM `scores`;--> statement-breakpoint
DROP TABLE `scores`;--> statement-breakpoint
ALTER TABLE `__new_scores` RENAME TO `scores`;--> statement-breakpoint
CREATE INDEX `scores_ranking_idx` ON `scores` (`experiment_id`,`method`,`organ`,`value`);