-- 013_alarm_device_keys: transmitter AES keys are kept encrypted at rest.
-- devices.key now holds "v1:" + base64(nonce || secretbox), sealed with the
-- personal-data key file (DATA_DIR/pii.key, src/auth/pii.h), never the key
-- itself. key_bits is the AES key size (128/192/256), so lists can say what
-- kind of key a device has without opening it. Keys stored in clear by
-- earlier versions are sealed in place at the next start
-- (store_device_keys_seal, called by alarm_service_start); their size is
-- filled here from the text form (hex: 4 bits a digit, raw: 8 a character).

ALTER TABLE devices ADD COLUMN key_bits INTEGER;

UPDATE devices SET key_bits = CASE WHEN key_kind = 'hex' THEN length(key) * 4
				   ELSE length(key) * 8 END
	WHERE key IS NOT NULL AND key <> '';
