;; WASM-only, ABI 1.1: edges of job_progress's JSON checks (progress.structured), under maxMessageBytes 4096.
;;   1 a Structured progress nesting 127 arrays and objects in all (the outer {"type":...} object, 63 pairs of
;;     {"a":[ ... ]} inside it): at serde_json's recursion limit, accepted (0)
;;   2 the same with one more array inside (128 in all): BAD_ARGUMENT (3)
;;   3 a Structured progress whose data is null: accepted (0)
;;   4 a Generic progress whose Duration has "nanos":5: accepted (0)
;;   5 the same with "nanos":5.0, a fraction where digits only are allowed: BAD_ARGUMENT (3)
;;   6 {"__proto__":{...a progress...}}: a member named __proto__ is only a member, so there is no "type": BAD_ARGUMENT
;;   7 a Count whose data has "current" twice, the second written "\u0063urrent": names are compared as the strings
;;     they denote, escapes decoded: BAD_ARGUMENT (3)
;;   8 a Count whose "type" member and kind are written with escapes ("\u0074ype", "C\u006funt"): accepted (0), and
;;     recorded byte for byte
;; The nested texts are built at 2048 by $nest; the job logs the eight statuses: "status: 0 3 0 0 3 3 3 0".
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_progress" (func $progress (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "edges")                                ;; 5
  (data (i32.const 72) "execute_edges")                        ;; 13
  (data (i32.const 88) "status:")                              ;; 7
  (data (i32.const 96) "{\"type\":\"Structured\",\"data\":")   ;; 28: the nested texts' prefix
  (data (i32.const 128) "{\"a\":[")                            ;; 6: one object and one array opened
  (data (i32.const 136) "]}")                                  ;; 2: and closed
  (data (i32.const 144) "{\"type\":\"Structured\",\"data\":null}") ;; 33
  (data (i32.const 184) "{\"type\":\"Generic\",\"data\":{\"percentage\":0.5,\"phase\":\"Scanning\",\"message\":\"m\",\"completion\":{\"completed\":1,\"total\":2},\"performance\":{\"rate\":1,\"estimated_remaining\":{\"secs\":3,\"nanos\":5},\"error_count\":0,\"warning_count\":0}}}") ;; 218
  (data (i32.const 408) "{\"type\":\"Generic\",\"data\":{\"percentage\":0.5,\"phase\":\"Scanning\",\"message\":\"m\",\"completion\":{\"completed\":1,\"total\":2},\"performance\":{\"rate\":1,\"estimated_remaining\":{\"secs\":3,\"nanos\":5.0},\"error_count\":0,\"warning_count\":0}}}") ;; 220
  (data (i32.const 632) "{\"__proto__\":{\"type\":\"Indeterminate\",\"data\":\"x\"}}") ;; 49
  (data (i32.const 688) "{\"type\":\"Count\",\"data\":{\"current\":1,\"total\":2,\"\\u0063urrent\":3}}") ;; 64
  (data (i32.const 760) "{\"\\u0074ype\":\"C\\u006funt\",\"data\":{\"current\":1,\"total\":2}}") ;; 57

  ;; The status line, written at 3072.
  (global $line (mut i32) (i32.const 3072))
  (func $status (param $n i32)
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (global.get $line) (i32.const 1)))
    (global.set $line (i32.add (global.get $line) (call $write_u32 (global.get $line) (local.get $n)))))

  ;; Writes at 2048 the prefix, $pairs times {"a":[, "[]" when $extra, $pairs times ]}, then the closing "}";
  ;; returns the text's length. Nesting: 1 (the outer object) + 2 * $pairs (+ 1 when $extra).
  (func $nest (param $pairs i32) (param $extra i32) (result i32)
    (local $at i32) (local $i i32)
    (local.set $at (i32.add (i32.const 2048) (call $copy (i32.const 2048) (i32.const 96) (i32.const 28))))
    (local.set $i (local.get $pairs))
    (loop $open
      (local.set $at (i32.add (local.get $at) (call $copy (local.get $at) (i32.const 128) (i32.const 6))))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $open (local.get $i)))
    (if (local.get $extra)
      (then
        (i32.store8 (local.get $at) (i32.const 91))                        ;; [
        (i32.store8 (i32.add (local.get $at) (i32.const 1)) (i32.const 93)) ;; ]
        (local.set $at (i32.add (local.get $at) (i32.const 2)))))
    (local.set $i (local.get $pairs))
    (loop $close
      (local.set $at (i32.add (local.get $at) (call $copy (local.get $at) (i32.const 136) (i32.const 2))))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $close (local.get $i)))
    (i32.store8 (local.get $at) (i32.const 125))                           ;; }
    (i32.sub (i32.add (local.get $at) (i32.const 1)) (i32.const 2048)))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_edges") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (global.set $line (i32.add (i32.const 3072) (call $copy (i32.const 3072) (i32.const 88) (i32.const 7))))
    ;; 1. 127 arrays and objects nested (533 bytes): accepted
    (call $status (call $progress (local.get $id) (i32.const 2048) (call $nest (i32.const 63) (i32.const 0))))
    ;; 2. 128 (535 bytes): BAD_ARGUMENT
    (call $status (call $progress (local.get $id) (i32.const 2048) (call $nest (i32.const 63) (i32.const 1))))
    ;; 3. Structured data null: accepted
    (call $status (call $progress (local.get $id) (i32.const 144) (i32.const 33)))
    ;; 4. nanos 5: accepted
    (call $status (call $progress (local.get $id) (i32.const 184) (i32.const 218)))
    ;; 5. nanos 5.0: BAD_ARGUMENT
    (call $status (call $progress (local.get $id) (i32.const 408) (i32.const 220)))
    ;; 6. the progress under a member named __proto__: BAD_ARGUMENT
    (call $status (call $progress (local.get $id) (i32.const 632) (i32.const 49)))
    ;; 7. "current" twice, once written \u0063urrent: names compare after their escapes are decoded: BAD_ARGUMENT
    (call $status (call $progress (local.get $id) (i32.const 688) (i32.const 64)))
    ;; 8. "type" and its kind written with escapes: the strings they denote: accepted
    (call $status (call $progress (local.get $id) (i32.const 760) (i32.const 57)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 3072) (i32.sub (global.get $line) (i32.const 3072)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
