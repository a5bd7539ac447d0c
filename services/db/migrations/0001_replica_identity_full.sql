-- Custom migration (drizzle-kit cannot express replica identity): see connectors/README.md, "Replica identity".
-- With REPLICA IDENTITY DEFAULT an UPDATE that leaves an out-of-line (TOASTed) text value unchanged
-- reaches Debezium without that value, and Debezium sends its placeholder instead. With FULL the
-- old row is logged with its values inlined, and Debezium copies them into `after`. Only tables
-- with long text columns; channel_members and channel_read_records have none.
ALTER TABLE "users" REPLICA IDENTITY FULL;--> statement-breakpoint
ALTER TABLE "channels" REPLICA IDENTITY FULL;--> statement-breakpoint
ALTER TABLE "messages" REPLICA IDENTITY FULL;--> statement-breakpoint
ALTER TABLE "friendships" REPLICA IDENTITY FULL;
