// wgskit keygen -o NAME [--passphrase-env VAR]: a crypt4gh key pair, NAME.pub and NAME.sec (mode 0600).
// wgskit encrypt -k A.pub [-k B.pub ...] [--sk SENDER.sec] IN -o OUT.c4gh: GA4GH crypt4gh v1 for each recipient.
// wgskit decrypt -k NAME.sec IN.c4gh -o OUT: the output appears only when every segment authenticated.
// "-" is stdin / stdout. A protected secret key's passphrase is read from the environment variable named by
// --passphrase-env (default C4GH_PASSPHRASE, as the reference crypt4gh tool), never from the command line.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <wgskit/core/exception.hpp>
#include <wgskit/crypt/all.hpp>

#include "commands.hpp"

namespace wgskit::cli
{
namespace
{
std::string passphrase_from(std::string const & variable)
{
    char const * value = std::getenv(variable.c_str());
    return value == nullptr ? std::string{} : std::string{value};
}

crypt::secret_key load_secret_key(std::string const & path, std::string const & variable)
{
    std::string const text = crypt::detail::read_small_file(path);
    std::string pass;
    if (crypt::secret_key_is_protected(text, path))
    {
        pass = passphrase_from(variable);
        if (pass.empty())
            throw invalid_argument{path + ": the secret key is protected; set its passphrase in $" + variable};
    }
    return crypt::parse_secret_key(text, path, pass);
}
} // namespace

void register_crypt(CLI::App & app)
{
    struct options
    {
        std::string name, input, output = "-", sender, passphrase_env = "C4GH_PASSPHRASE";
        std::vector<std::string> keys;
        bool force = false, aead = false;
    };

    auto kg = std::make_shared<options>();
    auto * keygen = app.add_subcommand("keygen", "Make a crypt4gh key pair: NAME.pub and NAME.sec (mode 0600)");
    keygen->add_option("-o,--output", kg->name, "Key name: writes NAME.pub and NAME.sec")->required();
    keygen->add_option("--passphrase-env", kg->passphrase_env,
                       "Protect NAME.sec with the passphrase in this environment variable (scrypt + "
                       "chacha20_poly1305), if set and not empty");
    keygen->add_flag("-f,--force", kg->force, "Replace existing key files");
    keygen->callback([kg] {
        std::string const pass = passphrase_from(kg->passphrase_env);
        crypt::write_keypair(kg->name, crypt::generate_keypair(), pass, kg->force);
        std::fprintf(stderr, "[wgskit keygen] wrote %s.pub and %s.sec%s\n", kg->name.c_str(), kg->name.c_str(),
                     pass.empty() ? " (not passphrase-protected)" : " (passphrase-protected)");
    });

    auto en = std::make_shared<options>();
    auto * encrypt = app.add_subcommand("encrypt", "Encrypt a file for one or more recipients (GA4GH crypt4gh v1)");
    encrypt->add_option("-k,--recipient", en->keys, "A recipient's public key file (repeat for several)")->required();
    encrypt->add_option("--sk", en->sender, "Sender's secret key (default: a fresh key per file, discarded)");
    encrypt->add_option("--passphrase-env", en->passphrase_env, "Variable holding the --sk key's passphrase");
    encrypt->add_flag("--aead", en->aead,
                      "Data method chacha20_ietf_poly1305_with_AEAD (detects dropped or reordered segments; the "
                      "reference tool may not read it)");
    encrypt->add_option("-o,--output", en->output, "Encrypted output (default: stdout)");
    encrypt->add_option("input", en->input, "File to encrypt ('-': stdin)")->required();
    encrypt->callback([en] {
        std::vector<crypt::public_key> recipients;
        for (auto const & k : en->keys)
            recipients.push_back(crypt::read_public_key(k));
        crypt::encrypt_options opt;
        if (!en->sender.empty())
            opt.sender = load_secret_key(en->sender, en->passphrase_env);
        if (en->aead)
            opt.method = crypt::data_method::chacha20_ietf_poly1305_with_aead;
        crypt::encrypt_file(en->input, en->output, recipients, opt);
    });

    auto de = std::make_shared<options>();
    auto * decrypt = app.add_subcommand("decrypt", "Decrypt a crypt4gh file with your secret key");
    decrypt->add_option("-k,--sk", de->name, "Your secret key file (NAME.sec)")->required();
    decrypt->add_option("--passphrase-env", de->passphrase_env, "Variable holding the key's passphrase");
    decrypt->add_option("-o,--output", de->output, "Decrypted output (default: stdout)");
    decrypt->add_option("input", de->input, "crypt4gh file ('-': stdin)")->required();
    decrypt->callback([de] {
        crypt::secret_key const key = load_secret_key(de->name, de->passphrase_env);
        crypt::decrypt_file(de->input, de->output, key);
    });
}

} // namespace wgskit::cli
