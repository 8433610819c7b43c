// A real Bluesky PDS (@atproto/pds) and a PLC directory (@did-plc/server), both bound to
// 127.0.0.1, data in a temporary folder that is removed on exit. For Herald's integration
// tests: `node server.mjs PDS_PORT PLC_PORT DATA_DIR` prints one line
//   READY pds=http://localhost:PDS_PORT plc=http://localhost:PLC_PORT
// once both answer, and stops on SIGTERM/SIGINT or when stdin closes.
import crypto from 'node:crypto'
import events from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { PDS, envToCfg, envToSecrets, readEnv } from '@atproto/pds'
import plc from '@did-plc/server'

const [pdsPort, plcPort, dataDir] = process.argv.slice(2)
if (!pdsPort || !plcPort || !dataDir) {
  console.error('usage: node server.mjs PDS_PORT PLC_PORT DATA_DIR')
  process.exit(2)
}
fs.mkdirSync(path.join(dataDir, 'blobs'), { recursive: true })

const { PlcServer, Database } = plc
const plcServer = PlcServer.create({ db: Database.mock(), port: Number(plcPort) })
const plcHttp = plcServer.app.listen(Number(plcPort), '127.0.0.1')
await events.once(plcHttp, 'listening')

const hex = () => crypto.randomBytes(32).toString('hex')
Object.assign(process.env, {
  PDS_HOSTNAME: 'localhost',
  PDS_PORT: String(pdsPort),
  PDS_DATA_DIRECTORY: dataDir,
  PDS_BLOBSTORE_DISK_LOCATION: path.join(dataDir, 'blobs'),
  PDS_DEV_MODE: 'true',
  PDS_INVITE_REQUIRED: 'false',
  PDS_ADMIN_PASSWORD: process.env.HERALD_PDS_ADMIN_PASSWORD || 'herald-admin',
  PDS_JWT_SECRET: hex(),
  PDS_DPOP_SECRET: hex(),
  PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: hex(),
  // the PDS refuses an IP address as the PLC host
  PDS_DID_PLC_URL: `http://localhost:${plcPort}`,
  PDS_SERVICE_HANDLE_DOMAINS: '.test',
  LOG_ENABLED: process.env.LOG_ENABLED || 'false',
})
const env = readEnv()
const pds = await PDS.create(envToCfg(env), envToSecrets(env))
// PDS.start() listens on every interface: do its work here, bound to loopback.
await pds.ctx.sequencer.start()
const pdsHttp = pds.app.listen(Number(pdsPort), '127.0.0.1')
pdsHttp.keepAliveTimeout = 90_000
await events.once(pdsHttp, 'listening')
console.log(`READY pds=http://localhost:${pdsPort} plc=http://localhost:${plcPort}`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  pdsHttp.closeAllConnections?.()
  plcHttp.closeAllConnections?.()
  pdsHttp.close()
  plcHttp.close()
  try {
    await pds.ctx.destroy()
  } catch {}
  fs.rmSync(dataDir, { recursive: true, force: true })
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.resume()
