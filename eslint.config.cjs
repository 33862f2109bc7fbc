// eslint as OCA's addons-repo-template (18.0) configures it, run by `make lint`:
// browser globals, scripts by default, ES modules in *.esm.js (so Odoo's
// `import` lines are only allowed there), and the template's error-level rules.
const globals = require("globals");
const jsdoc = require("eslint-plugin-jsdoc");

module.exports = [
    {ignores: ["node_modules/**", ".venv/**", ".local/**", "setup/**"]},
    {
        plugins: {jsdoc},
        languageOptions: {
            ecmaVersion: 2024,
            sourceType: "script",
            globals: {
                ...globals.browser,
                _: "readonly",
                $: "readonly",
                jQuery: "readonly",
                luxon: "readonly",
                odoo: "readonly",
                owl: "readonly",
            },
        },
        rules: {
            "init-declarations": "error",
            "no-cond-assign": "error",
            "no-const-assign": "error",
            "no-debugger": "error",
            "no-dupe-args": "error",
            "no-dupe-class-members": "error",
            "no-dupe-keys": "error",
            "no-duplicate-case": "error",
            "no-duplicate-imports": "error",
            "no-empty-function": "error",
            "no-empty-pattern": "error",
            "no-eq-null": "error",
            "no-eval": "error",
            "no-ex-assign": "error",
            "no-func-assign": "error",
            "no-global-assign": "error",
            "no-lonely-if": "error",
            "no-return-assign": "error",
            "no-undef": "error",
            "no-unneeded-ternary": "error",
            "no-unreachable": "error",
            "no-unsafe-finally": "error",
            "no-unused-expressions": "error",
            "no-unused-labels": "error",
            "no-unused-vars": "error",
            "no-use-before-define": "error",
            "operator-assignment": ["error", "always"],
            "spaced-comment": ["error", "always"],
            strict: ["error", "function"],
            "use-isnan": "error",
            eqeqeq: "warn",
            "prefer-const": "warn",
            "no-shadow": "warn",
            "jsdoc/check-tag-names": "warn",
            "jsdoc/check-types": "warn",
        },
    },
    {
        files: ["**/*.esm.js"],
        languageOptions: {sourceType: "module"},
    },
    {
        // the tools' own configuration files
        files: ["*.cjs"],
        languageOptions: {sourceType: "commonjs", globals: globals.node},
    },
];
