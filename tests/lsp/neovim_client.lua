-- A headless Neovim (0.7+) as the language server's client: start `schemacheck lsp`, open the
-- query given, wait for diagnostics, ask for a hover, write what it got as JSON, quit.
-- Arguments come from the environment: SC_PYTHON, SC_ROOT, SC_FILE, SC_OUT, SC_LINE, SC_CHARACTER.
local python, root, file, out = os.getenv("SC_PYTHON"), os.getenv("SC_ROOT"), os.getenv("SC_FILE"), os.getenv("SC_OUT")
local result = { diagnostics = {}, hover = vim.NIL, error = vim.NIL }

local function finish()
  local handle = io.open(out, "w")
  handle:write(vim.fn.json_encode(result))
  handle:close()
  vim.cmd("qa!")
end

local ok, problem = pcall(function()
  local client = vim.lsp.start_client({ name = "schemacheck", cmd = { python, "-m", "schemacheck", "lsp" },
                                         root_dir = root })
  assert(client, "the server did not start")
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  vim.bo.filetype = "asaql"
  vim.lsp.buf_attach_client(0, client)
  vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(result.diagnostics, { line = d.lnum, character = d.col, severity = d.severity,
                                       code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
                                       message = d.message })
  end
  local params = { textDocument = vim.lsp.util.make_text_document_params(),
                   position = { line = tonumber(os.getenv("SC_LINE")), character = tonumber(os.getenv("SC_CHARACTER")) } }
  local answers = vim.lsp.buf_request_sync(0, "textDocument/hover", params, 20000) or {}
  for _, answer in pairs(answers) do
    if answer.result and answer.result.contents then
      local contents = answer.result.contents
      result.hover = type(contents) == "table" and (contents.value or contents[1]) or contents
    end
  end
end)
if not ok then result.error = tostring(problem) end
finish()
