CREATE TABLE `billing_accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`person_id` integer,
	`company_id` integer,
	`legal_name` text NOT NULL,
	`address_lines` text DEFAULT '[]' NOT NULL,
	`postcode` text,
	`city` text,
	`country` text DEFAULT 'FR' NOT NULL,
	`email` text,
	`siren` text,
	`siret` text,
	`vat_number` text,
	`is_business` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "billing_accounts_kind_ref" CHECK(("billing_accounts"."kind" = 'person' AND "billing_accounts"."person_id" IS NOT NULL AND "billing_accounts"."company_id" IS NULL)
    OR ("billing_accounts"."kind" = 'company' AND "billing_accounts"."company_id" IS NOT NULL AND "billing_accounts"."person_id" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `billing_accounts_person` ON `billing_accounts` (`person_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `billing_accounts_company` ON `billing_accounts` (`company_id`);--> statement-breakpoint
CREATE TABLE `invoice_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`invoice_id` integer NOT NULL,
	`position` integer NOT NULL,
	`code` text NOT NULL,
	`description` text NOT NULL,
	`person_id` integer,
	`quantity_milli` integer NOT NULL,
	`unit` text NOT NULL,
	`unit_price_cents` integer NOT NULL,
	`amount_cents` integer NOT NULL,
	`vat_rate_bp` integer NOT NULL,
	`vat_cents` integer NOT NULL,
	`evidence` text DEFAULT '[]' NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_lines_position` ON `invoice_lines` (`invoice_id`,`position`);--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`year` integer NOT NULL,
	`seq` integer NOT NULL,
	`doc_type` text NOT NULL,
	`account_kind` text NOT NULL,
	`account_id` integer NOT NULL,
	`period` text,
	`issue_date` text NOT NULL,
	`due_date` text,
	`currency` text DEFAULT 'EUR' NOT NULL,
	`seller` text NOT NULL,
	`buyer` text NOT NULL,
	`terms` text,
	`total_ht_cents` integer NOT NULL,
	`total_vat_cents` integer NOT NULL,
	`total_ttc_cents` integer NOT NULL,
	`vat_breakdown` text NOT NULL,
	`credited_invoice_id` integer,
	`reason` text,
	`specimen` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`run_id` integer,
	FOREIGN KEY (`credited_invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_number_unique` ON `invoices` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_hash_unique` ON `invoices` (`hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_year_seq` ON `invoices` (`year`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_account_period` ON `invoices` (`account_kind`,`account_id`,`period`) WHERE doc_type = 'invoice';--> statement-breakpoint
CREATE INDEX `invoices_issue_date` ON `invoices` (`issue_date`);--> statement-breakpoint
CREATE INDEX `invoices_credited` ON `invoices` (`credited_invoice_id`);--> statement-breakpoint
-- Written by hand after `drizzle-kit generate` (drizzle has no triggers): an issued invoice or
-- credit note never changes and is never deleted (French invoicing rules; corrections are credit
-- notes). Lines may be added only to the newest document, in the transaction that issues it.
-- The hash chain (npm run billing:verify) detects what a connection that drops these triggers does.
CREATE TRIGGER `invoices_no_update` BEFORE UPDATE ON `invoices`
BEGIN
	SELECT RAISE(ABORT, 'invoice_immutable: an issued document never changes; issue a credit note');
END;
--> statement-breakpoint
CREATE TRIGGER `invoices_no_delete` BEFORE DELETE ON `invoices`
BEGIN
	SELECT RAISE(ABORT, 'invoice_immutable: an issued document is never deleted; issue a credit note');
END;
--> statement-breakpoint
CREATE TRIGGER `invoice_lines_no_update` BEFORE UPDATE ON `invoice_lines`
BEGIN
	SELECT RAISE(ABORT, 'invoice_immutable: the lines of an issued document never change');
END;
--> statement-breakpoint
CREATE TRIGGER `invoice_lines_no_delete` BEFORE DELETE ON `invoice_lines`
BEGIN
	SELECT RAISE(ABORT, 'invoice_immutable: the lines of an issued document are never deleted');
END;
--> statement-breakpoint
CREATE TRIGGER `invoice_lines_newest_only` BEFORE INSERT ON `invoice_lines`
WHEN NEW.`invoice_id` IS NOT (SELECT MAX(`id`) FROM `invoices`)
BEGIN
	SELECT RAISE(ABORT, 'invoice_immutable: lines are added only to the document being issued');
END;
