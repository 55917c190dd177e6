-- Removes the seeded catalog (skills users added stay).
delete from skills where created_by is null;
