;; Regression 831f4b2a9597: npx job-parity fuzz --seed 713611802 --path '190:0:0:1:0:0:0:1:0:0:0:0:0:0:0:0:1:0:0:4:1:2:3:3:3:3:3:3:3:1:3:4:4:4'
(module
  (import "spacedrive" "spacedrive_call" (func $spacedrive_call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $job_spawn_child (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "job_wait_for_children" (func $job_wait_for_children (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1152))
  (func $wasm_alloc (export "wasm_alloc") (param i32) (result i32) (local i32 i32)
    global.get $heap
    i32.const 7
    i32.add
    i32.const -8
    i32.and
    local.set 1
    local.get 1
    local.get 0
    i32.add
    local.set 2
    local.get 2
    memory.size
    i32.const 16
    i32.shl
    i32.gt_u
    if
      local.get 2
      memory.size
      i32.const 16
      i32.shl
      i32.sub
      i32.const 65535
      i32.add
      i32.const 16
      i32.shr_u
      memory.grow
      i32.const -1
      i32.eq
      if
        i32.const 0
        return
      end
    end
    local.get 2
    global.set $heap
    local.get 1
  )
  (func $wasm_free (export "wasm_free") (param i32 i32)
  )
  (func $hex_value (param i32) (result i32)
    local.get 0
    i32.const 57
    i32.le_u
    if
      local.get 0
      i32.const 48
      i32.sub
      return
    end
    local.get 0
    i32.const 32
    i32.or
    i32.const 87
    i32.sub
  )
  (func $parse_uuid (param i32 i32)
    local.get 1
    local.get 0
    i32.load8_u
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=1
    call $hex_value
    i32.or
    i32.store8
    local.get 1
    local.get 0
    i32.load8_u offset=2
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=3
    call $hex_value
    i32.or
    i32.store8 offset=1
    local.get 1
    local.get 0
    i32.load8_u offset=4
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=5
    call $hex_value
    i32.or
    i32.store8 offset=2
    local.get 1
    local.get 0
    i32.load8_u offset=6
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=7
    call $hex_value
    i32.or
    i32.store8 offset=3
    local.get 1
    local.get 0
    i32.load8_u offset=9
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=10
    call $hex_value
    i32.or
    i32.store8 offset=4
    local.get 1
    local.get 0
    i32.load8_u offset=11
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=12
    call $hex_value
    i32.or
    i32.store8 offset=5
    local.get 1
    local.get 0
    i32.load8_u offset=14
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=15
    call $hex_value
    i32.or
    i32.store8 offset=6
    local.get 1
    local.get 0
    i32.load8_u offset=16
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=17
    call $hex_value
    i32.or
    i32.store8 offset=7
    local.get 1
    local.get 0
    i32.load8_u offset=19
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=20
    call $hex_value
    i32.or
    i32.store8 offset=8
    local.get 1
    local.get 0
    i32.load8_u offset=21
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=22
    call $hex_value
    i32.or
    i32.store8 offset=9
    local.get 1
    local.get 0
    i32.load8_u offset=24
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=25
    call $hex_value
    i32.or
    i32.store8 offset=10
    local.get 1
    local.get 0
    i32.load8_u offset=26
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=27
    call $hex_value
    i32.or
    i32.store8 offset=11
    local.get 1
    local.get 0
    i32.load8_u offset=28
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=29
    call $hex_value
    i32.or
    i32.store8 offset=12
    local.get 1
    local.get 0
    i32.load8_u offset=30
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=31
    call $hex_value
    i32.or
    i32.store8 offset=13
    local.get 1
    local.get 0
    i32.load8_u offset=32
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=33
    call $hex_value
    i32.or
    i32.store8 offset=14
    local.get 1
    local.get 0
    i32.load8_u offset=34
    call $hex_value
    i32.const 4
    i32.shl
    local.get 0
    i32.load8_u offset=35
    call $hex_value
    i32.or
    i32.store8 offset=15
  )
  (func $write_u32 (param i32 i32) (result i32) (local i32 i32)
    local.get 1
    local.set 3
    loop
      local.get 2
      i32.const 1
      i32.add
      local.set 2
      local.get 3
      i32.const 10
      i32.div_u
      local.tee 3
      br_if 0
    end
    local.get 2
    local.set 3
    loop
      local.get 3
      i32.const 1
      i32.sub
      local.set 3
      local.get 0
      local.get 3
      i32.add
      local.get 1
      i32.const 10
      i32.rem_u
      i32.const 48
      i32.add
      i32.store8
      local.get 1
      i32.const 10
      i32.div_u
      local.set 1
      local.get 3
      br_if 0
    end
    local.get 2
  )
  (func $hex_digit (param i32) (result i32)
    local.get 0
    i32.const 10
    i32.lt_u
    if
      local.get 0
      i32.const 48
      i32.add
      return
    end
    local.get 0
    i32.const 87
    i32.add
  )
  (func $hex16 (param i32 i32) (local i32 i32)
    loop
      local.get 1
      local.get 2
      i32.add
      i32.load8_u
      local.set 3
      local.get 0
      local.get 2
      i32.const 1
      i32.shl
      i32.add
      local.get 3
      i32.const 4
      i32.shr_u
      call $hex_digit
      i32.store8
      local.get 0
      local.get 2
      i32.const 1
      i32.shl
      i32.add
      local.get 3
      i32.const 15
      i32.and
      call $hex_digit
      i32.store8 offset=1
      local.get 2
      i32.const 1
      i32.add
      local.tee 2
      i32.const 16
      i32.lt_u
      br_if 0
    end
  )
  (func $u32_after (param i32 i32 i32 i32) (result i32) (local i32 i32 i32 i32)
    block
      loop
        local.get 4
        local.get 3
        i32.add
        local.get 1
        i32.gt_u
        br_if 1
        i32.const 0
        local.set 5
        block
          loop
            local.get 0
            local.get 4
            i32.add
            local.get 5
            i32.add
            i32.load8_u
            local.get 2
            local.get 5
            i32.add
            i32.load8_u
            i32.ne
            br_if 1
            local.get 5
            i32.const 1
            i32.add
            local.tee 5
            local.get 3
            i32.lt_u
            br_if 0
          end
          local.get 4
          local.get 3
          i32.add
          local.set 4
          block
            loop
              local.get 4
              local.get 1
              i32.ge_u
              br_if 1
              local.get 0
              local.get 4
              i32.add
              i32.load8_u
              i32.const 48
              i32.sub
              local.tee 7
              i32.const 9
              i32.gt_u
              br_if 1
              local.get 6
              i32.const 10
              i32.mul
              local.get 7
              i32.add
              local.set 6
              local.get 4
              i32.const 1
              i32.add
              local.set 4
              br 0
            end
          end
          local.get 6
          return
        end
        local.get 4
        i32.const 1
        i32.add
        local.set 4
        br 0
      end
    end
    i32.const 0
  )
  (func $log_bytes (param i32 i32 i32 i32) (local i32)
    local.get 1
    local.get 3
    i32.add
    call $wasm_alloc
    local.set 4
    local.get 4
    local.get 0
    local.get 1
    memory.copy
    local.get 4
    local.get 1
    i32.add
    local.get 2
    local.get 3
    memory.copy
    i32.const 16
    i32.const 1
    local.get 4
    local.get 1
    local.get 3
    i32.add
    call $job_log
  )
  (func $log_answer (param i32 i32 i32 i32) (local i32)
    local.get 3
    i32.const 9
    i32.ge_u
    if
      local.get 2
      i64.load
      i64.const 2482168881970750075
      i64.eq
      local.get 2
      i32.load8_u offset=8
      i32.const 58
      i32.eq
      i32.and
      if
        local.get 3
        i32.const 9
        i32.sub
        local.set 4
        block
          loop
            local.get 2
            local.get 4
            i32.add
            i64.load
            i64.const 4189022085447885356
            i64.eq
            local.get 2
            local.get 4
            i32.add
            i32.load8_u offset=8
            i32.const 34
            i32.eq
            i32.and
            if
              local.get 2
              local.get 4
              i32.add
              i32.const 123
              i32.store8
              local.get 0
              local.get 1
              local.get 2
              local.get 4
              i32.add
              local.get 3
              local.get 4
              i32.sub
              call $log_bytes
              return
            end
            local.get 4
            i32.eqz
            br_if 1
            local.get 4
            i32.const 1
            i32.sub
            local.set 4
            br 0
          end
        end
      end
    end
    local.get 0
    local.get 1
    local.get 2
    local.get 3
    call $log_bytes
  )
  (func $plugin_init (export "plugin_init") (result i32) (local i32)
    local.get 0
    i32.const 1120
    i32.const 4
    i32.const 1124
    i32.const 8
    i32.const 1
    call $register_job
    i32.or
    local.set 0
    local.get 0
    i32.const 1064
    i32.const 5
    i32.const 1132
    i32.const 9
    i32.const 2
    call $register_job
    i32.or
    local.set 0
    local.get 0
    i32.const 1086
    i32.const 4
    i32.const 1141
    i32.const 8
    i32.const 3
    call $register_job
    i32.or
    local.set 0
    local.get 0
  )
  (func $run_root (export "run_root") (param i32 i32 i32 i32) (result i32) (local i32 i32 i32)
    i32.const 96
    i32.const 16
    i32.const 16
    memory.copy
    local.get 0
    i32.const 11
    i32.add
    i32.const 16
    call $parse_uuid
    local.get 0
    i32.const 63
    i32.add
    i32.const 32
    call $parse_uuid
    local.get 3
    if
      local.get 2
      local.get 3
      i32.const 1024
      i32.const 2
      call $u32_after
      local.set 4
    end
    i32.const 1026
    i32.const 20
    i32.const 0
    i32.const 1046
    i32.const 0
    call $spacedrive_call
    local.tee 5
    i32.eqz
    if
      i32.const 16
      i32.const 1
      i32.const 1046
      i32.const 11
      call $job_log
    else
      i32.const 1057
      i32.const 7
      local.get 5
      i32.const 4
      i32.add
      local.get 5
      i32.load
      call $log_answer
    end
    i32.const 16
    i32.const 1064
    i32.const 5
    i32.const 1046
    i32.const 0
    call $job_spawn_child
    local.tee 5
    i32.eqz
    if
      i32.const 16
      i32.const 1
      i32.const 1069
      i32.const 10
      call $job_log
    else
      i32.const 256
      local.set 6
      local.get 6
      i32.const 1079
      i32.const 6
      memory.copy
      local.get 6
      i32.const 6
      i32.add
      local.set 6
      local.get 6
      local.get 6
      local.get 5
      i32.load
      call $write_u32
      i32.add
      local.set 6
      local.get 6
      i32.const 1085
      i32.const 1
      memory.copy
      local.get 6
      i32.const 1
      i32.add
      local.set 6
      local.get 6
      local.get 5
      i32.const 4
      i32.add
      call $hex16
      i32.const 16
      i32.const 1
      i32.const 256
      local.get 6
      i32.const 32
      i32.add
      i32.const 256
      i32.sub
      call $job_log
    end
    i32.const 16
    i32.const 1086
    i32.const 4
    i32.const 1090
    i32.const 3
    call $job_spawn_child
    local.tee 5
    i32.eqz
    if
      i32.const 16
      i32.const 1
      i32.const 1069
      i32.const 10
      call $job_log
    else
      i32.const 256
      local.set 6
      local.get 6
      i32.const 1079
      i32.const 6
      memory.copy
      local.get 6
      i32.const 6
      i32.add
      local.set 6
      local.get 6
      local.get 6
      local.get 5
      i32.load
      call $write_u32
      i32.add
      local.set 6
      local.get 6
      i32.const 1085
      i32.const 1
      memory.copy
      local.get 6
      i32.const 1
      i32.add
      local.set 6
      local.get 6
      local.get 5
      i32.const 4
      i32.add
      call $hex16
      i32.const 16
      i32.const 1
      i32.const 256
      local.get 6
      i32.const 32
      i32.add
      i32.const 256
      i32.sub
      call $job_log
    end
    i32.const 16
    call $job_wait_for_children
    local.set 5
    local.get 0
    i32.const 11
    i32.add
    i32.const 16
    call $parse_uuid
    local.get 0
    i32.const 63
    i32.add
    i32.const 32
    call $parse_uuid
    local.get 5
    local.tee 5
    i32.eqz
    if
      i32.const 16
      i32.const 1
      i32.const 1093
      i32.const 9
      call $job_log
    else
      i32.const 1102
      i32.const 5
      local.get 5
      i32.const 4
      i32.add
      local.get 5
      i32.load
      call $log_bytes
    end
    i32.const 16
    i32.const 1064
    i32.const 5
    i32.const 1046
    i32.const 0
    call $job_spawn_child
    local.tee 5
    i32.eqz
    if
      i32.const 16
      i32.const 1
      i32.const 1069
      i32.const 10
      call $job_log
    else
      i32.const 256
      local.set 6
      local.get 6
      i32.const 1079
      i32.const 6
      memory.copy
      local.get 6
      i32.const 6
      i32.add
      local.set 6
      local.get 6
      local.get 6
      local.get 5
      i32.load
      call $write_u32
      i32.add
      local.set 6
      local.get 6
      i32.const 1085
      i32.const 1
      memory.copy
      local.get 6
      i32.const 1
      i32.add
      local.set 6
      local.get 6
      local.get 5
      i32.const 4
      i32.add
      call $hex16
      i32.const 16
      i32.const 1
      i32.const 256
      local.get 6
      i32.const 32
      i32.add
      i32.const 256
      i32.sub
      call $job_log
    end
    block
      loop
        local.get 4
        i32.const 0
        i32.ge_u
        br_if 1
        local.get 4
        i32.const 1
        i32.add
        local.set 4
        br 0
      end
    end
    unreachable
  )
  (func $run_alpha (export "run_alpha") (param i32 i32 i32 i32) (result i32) (local i32 i32 i32)
    i32.const 96
    i32.const 16
    i32.const 16
    memory.copy
    local.get 0
    i32.const 11
    i32.add
    i32.const 16
    call $parse_uuid
    local.get 0
    i32.const 63
    i32.add
    i32.const 32
    call $parse_uuid
    local.get 3
    if
      local.get 2
      local.get 3
      i32.const 1024
      i32.const 2
      call $u32_after
      local.set 4
    end
    i32.const 96
    i32.const 1
    i32.const 1107
    i32.const 13
    call $job_log
    block
      loop
        local.get 4
        i32.const 0
        i32.ge_u
        br_if 1
        local.get 4
        i32.const 1
        i32.add
        local.set 4
        br 0
      end
    end
    unreachable
  )
  (func $run_beta (export "run_beta") (param i32 i32 i32 i32) (result i32) (local i32 i32 i32)
    i32.const 96
    i32.const 16
    i32.const 16
    memory.copy
    local.get 0
    i32.const 11
    i32.add
    i32.const 16
    call $parse_uuid
    local.get 0
    i32.const 63
    i32.add
    i32.const 32
    call $parse_uuid
    local.get 3
    if
      local.get 2
      local.get 3
      i32.const 1024
      i32.const 2
      call $u32_after
      local.set 4
    end
    block
      loop
        local.get 4
        i32.const 0
        i32.ge_u
        br_if 1
        local.get 4
        i32.const 1
        i32.add
        local.set 4
        br 0
      end
    end
    i32.const 0
  )
  (func $abi_version_1_1 (export "spacedrive_abi_version_1_1")
  )
  (data (i32.const 48) "\00\00\00\00\00\00@\00\80\00\00\00\00\00\f0\e1")
  (data (i32.const 1024) "i=query:libraries.listanswer=noneanswer=alphachild=nonechild=:betai=0wait=nonewait=after a trap?rootrun_rootrun_alpharun_beta")
)
