ALTER TABLE `jobs` ADD `round` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `metrics` ADD `round` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `scores` ADD `round` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `scores` ADD `budget` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `selections` ADD `round` integer DEFAULT 1 NOT NULL;