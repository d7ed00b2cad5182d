def test_client_add_prints_id_and_show_lists_it(cli):
    assert cli("client", "add", "Acme", "--country", "DE").out.strip() == "1"
    shown = cli("client", "show", "acme")
    assert shown.code == 0 and "Acme" in shown.out
