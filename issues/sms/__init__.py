"""SMS to citizens: texts split into parts (parts), the backends that send them (backends), the
owed-SMS delivery under the worker (delivery) and what the SMSC sends back (inbound)."""
