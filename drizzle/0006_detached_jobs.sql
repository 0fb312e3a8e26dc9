CREATE TABLE `detached_jobs` (
	`experiment_id` integer NOT NULL,
	`key` text NOT NULL,
	`slurm_id` text NOT NULL,
	`depends_on` text NOT NULL,
	`submitted_at` text NOT NULL,
	PRIMARY KEY(`experiment_id`, `key`),
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
