// The operator console: one page over the daemon's own API, with the store's key. The slots
// arrive live from the Server-Sent Events stream, read with fetch (EventSource cannot send an
// Authorization header); every button is one API call, so the Next.js dashboard can copy each.
// Paths are relative: the page works behind a path prefix.
const $ = (selector, root = document) => root.querySelector(selector);
let session = null;
let stream = null;

function notice(text) {
  $('#notice').textContent = text;
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${session.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
  return data;
}

const slotPath = (slot, action) => `api/whatsapp/${encodeURIComponent(session.storeId)}/${slot}/${action}`;

function renderSlot(view) {
  let card = $(`#slot-${view.slot}`);
  if (!card) {
    card = document.createElement('article');
    card.className = 'slot';
    card.id = `slot-${view.slot}`;
    card.innerHTML = `<h3>Slot ${view.slot} <span class="status"></span></h3>
      <p class="phone"></p><p class="error"></p><img class="qr" alt="QR code to scan" hidden>
      <div class="actions">
        <button data-action="start">Start</button><button data-action="restart">Restart</button>
        <button data-action="stop">Stop</button><button data-action="logout">Log out</button>
      </div>
      <form class="pairing"><input name="phone" placeholder="+55 11 9…" aria-label="phone for a pairing code"><button>Pairing code</button></form>
      <p class="code"></p>`;
    card.querySelectorAll('[data-action]').forEach((button) => button.addEventListener('click', () => act(view.slot, button.dataset.action, card)));
    $('form.pairing', card).addEventListener('submit', (e) => pairingCode(e, view.slot, card));
    const cards = [...$('#slots').children];
    $('#slots').insertBefore(card, cards.find((c) => Number(c.id.split('-')[1]) > view.slot) ?? null);
  }
  card.dataset.status = view.status;
  $('.status', card).textContent = view.status;
  $('.phone', card).textContent = view.phone ? `+${view.phone}` : '';
  $('.error', card).textContent = view.lastError ?? '';
  const qr = $('img.qr', card);
  qr.hidden = !view.qrCode;
  if (view.qrCode && qr.src !== view.qrCode) qr.src = view.qrCode;
  if (view.status !== 'qrcode') $('.code', card).textContent = '';
}

async function act(slot, action, card) {
  $('.error', card).textContent = '';
  try {
    await api('POST', slotPath(slot, action));
  } catch (err) {
    $('.error', card).textContent = err.message;
  }
}

async function pairingCode(event, slot, card) {
  event.preventDefault();
  try {
    const { code } = await api('POST', slotPath(slot, 'pairing-code'), { phone: event.target.phone.value });
    $('.code', card).textContent = code;
  } catch (err) {
    $('.error', card).textContent = err.message;
  }
}

/** One SSE frame: its event name and JSON data. */
function onFrame(frame) {
  const event = /^event: (.*)$/m.exec(frame)?.[1];
  const data = /^data: (.*)$/m.exec(frame)?.[1];
  if (!event || !data) return;
  const payload = JSON.parse(data);
  if (event === 'snapshot') payload.data.forEach(renderSlot);
  else if (event === 'slot') renderSlot(payload);
  else if (event === 'end') notice(`The stream ended (${payload.reason}): open the store again.`);
}

async function follow() {
  stream?.abort();
  const controller = new AbortController();
  stream = controller;
  while (!controller.signal.aborted) {
    try {
      const res = await fetch(`api/whatsapp/${encodeURIComponent(session.storeId)}/events`, { headers: { authorization: `Bearer ${session.apiKey}` }, signal: controller.signal });
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        notice(body?.error?.message ?? `HTTP ${res.status}`);
        return;
      }
      notice('');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          onFrame(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
        }
      }
    } catch (err) {
      if (controller.signal.aborted) return;
      notice(`Reconnecting to the live stream (${err.message})…`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

const BOT_FIELDS = ['botName', 'storeType', 'basePrompt', 'forbidden'];
const BOT_NUMBERS = ['messageLimit', 'contextTime'];

async function loadBot() {
  const config = await api('GET', `api/client/${encodeURIComponent(session.storeId)}/config`);
  const form = $('#bot');
  for (const f of BOT_FIELDS) form[f].value = config[f] ?? '';
  for (const f of BOT_NUMBERS) form[f].value = config[f];
  form.botEnabled.checked = config.botEnabled;
}

async function saveBot(event) {
  event.preventDefault();
  const form = event.target;
  const body = { botEnabled: form.botEnabled.checked };
  for (const f of BOT_FIELDS) body[f] = form[f].value.trim() || null;
  for (const f of BOT_NUMBERS) body[f] = Number(form[f].value);
  $('#botStatus').textContent = 'saving…';
  try {
    await api('PUT', `api/client/${encodeURIComponent(session.storeId)}/config`, body);
    $('#botStatus').textContent = 'saved';
  } catch (err) {
    $('#botStatus').textContent = err.message;
  }
}

async function open(event) {
  event?.preventDefault();
  session = { storeId: $('#storeId').value.trim(), apiKey: $('#apiKey').value.trim() };
  sessionStorage.setItem('drin-console', JSON.stringify(session));
  $('#slots').replaceChildren();
  try {
    await loadBot();
  } catch (err) {
    notice(err.message);
    return;
  }
  $('#store').hidden = false;
  void follow();
}

$('#login').addEventListener('submit', open);
$('#bot').addEventListener('submit', saveBot);
const kept = JSON.parse(sessionStorage.getItem('drin-console') ?? 'null');
if (kept) {
  $('#storeId').value = kept.storeId;
  $('#apiKey').value = kept.apiKey;
  void open();
}
