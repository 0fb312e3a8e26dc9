CREATE TABLE `review_requests` (
	`experiment_id` integer NOT NULL,
	`round` integer NOT NULL,
	`case_id` text NOT NULL,
	`rank` integer NOT NULL,
	`method` text NOT NULL,
	`score` real,
	`worst_organ` text,
	`worst_slice` integer,
	`pseudo_label_path` text NOT NULL,
	`written_at` text NOT NULL,
	PRIMARY KEY(`experiment_id`, `round`, `case_id`),
	FOREIGN KEY (`experiment_id`,`case_id`) REFERENCES `cases`(`experiment_id`,`case_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `review_requests_rank_unique` ON `review_requests` (`experiment_id`,`round`,`rank`);--> statement-breakpoint
CREATE TABLE `revisions` (
	`experiment_id` integer NOT NULL,
	`case_id` text NOT NULL,
	`round` integer NOT NULL,
	`mask_path` text NOT NULL,
	`sha256` text NOT NULL,
	`source_path` text NOT NULL,
	`annotator` text NOT NULL,
	`changed_voxels` integer NOT NULL,
	`imported_at` text NOT NULL,
	PRIMARY KEY(`experiment_id`, `case_id`),
	FOREIGN KEY (`experiment_id`,`case_id`) REFERENCES `cases`(`experiment_id`,`case_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `revisions_round_idx` ON `revisions` (`experiment_id`,`round`);