;; Regression 08560ce32d61: npx job-parity fuzz --seed 1670208121 --path '23:0:0:0:0:0:1:0:0:0:0:0:0:1:1:0:0:0:0:1:2:3:3:2:2:2:8:2:7:7:8:7:6:6:10:9:10:10:9:9:10:9:11'
(module
  (import "spacedrive" "spacedrive_log" (func $spacedrive_log (param i32 i32 i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $job_spawn_child (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1096))
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
  (func $plugin_init (export "plugin_init") (result i32) (local i32 i32)
    local.get 0
    i32.const 1060
    i32.const 4
    i32.const 1064
    i32.const 8
    i32.const 1
    call $register_job
    i32.or
    local.set 0
    local.get 0
    i32.const 1026
    i32.const 4
    i32.const 1072
    i32.const 8
    i32.const 1
    call $register_job
    i32.or
    local.set 0
    i32.const 1
    i32.const 1080
    i32.const 9
    call $spacedrive_log
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
    i32.const 16
    i32.const 1026
    i32.const 4
    i32.const 1030
    i32.const 0
    call $job_spawn_child
    local.tee 5
    i32.eqz
    if
      i32.const 16
      i32.const 1
      i32.const 1030
      i32.const 10
      call $job_log
    else
      i32.const 256
      local.set 6
      local.get 6
      i32.const 1040
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
      i32.const 1046
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
    i32.const 1026
    i32.const 4
    i32.const 1030
    i32.const 0
    call $job_spawn_child
    local.tee 5
    i32.eqz
    if
      i32.const 16
      i32.const 1
      i32.const 1030
      i32.const 10
      call $job_log
    else
      i32.const 256
      local.set 6
      local.get 6
      i32.const 1040
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
      i32.const 1046
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
    i32.const 96
    i32.const 1
    i32.const 1047
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
  (data (i32.const 48) "\00\00\00\00\00\00@\00\80\00\00\00\00\00\f0\e1")
  (data (i32.const 1024) "i=betachild=nonechild=:after a trap?rootrun_rootrun_beta\e0\a0\80\e0\a0\80\e0\a0\80")
)
